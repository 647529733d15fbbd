#include <attnbench/common_params.hpp>

#include <utility>

namespace attnbench {

ParamSpec causal_param(bool default_value, std::string help) {
  return ParamSpec{.name = "causal",
                   .type = ParamType::kBool,
                   .default_value = default_value,
                   .help = std::move(help)};
}

ParamSpec exclude_self_param() {
  return ParamSpec{.name = "exclude_self",
                   .type = ParamType::kBool,
                   .default_value = false,
                   .help = "the query's own key only when no other key is visible (shared QK)",
                   .in_id_at_default = false};
}

ParamSpec replay_param(std::string what) {
  return ParamSpec{.name = "replay",
                   .type = ParamType::kString,
                   .default_value = std::string(""),
                   .help = std::move(what)};
}

}  // namespace attnbench
