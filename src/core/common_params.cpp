#include "core/common_params.hpp"

#include "core/errors.hpp"
#include "core/npy_read.hpp"

namespace attnbench {

ParamSpec causal_param(bool default_value, std::string help) {
  return ParamSpec{.name = "causal",
                   .type = ParamType::kBool,
                   .default_value = default_value,
                   .help = std::move(help)};
}

ParamSpec replay_param(std::string what) {
  return ParamSpec{.name = "replay",
                   .type = ParamType::kString,
                   .default_value = std::string(""),
                   .help = std::move(what)};
}

std::vector<std::int32_t> read_replay(const std::string& path,
                                      const std::vector<std::int64_t>& shape) {
  try {
    return read_npy_int32(path, shape);
  } catch (const NpyError& e) {
    throw ParamError("replay", e.what());
  }
}

}  // namespace attnbench
