// LM-Infinite (Han et al. 2023): the Λ-shaped mask (first `global` keys + the `local` most
// recent) with a distance ceiling for the global branch (patterns.md §11).
#include <attnbench/registry.hpp>

#include "core/lambda_mask.hpp"

namespace attnbench {
namespace {

class LmInfinite final : public IntervalPattern {
 public:
  LmInfinite(const Geometry& g, const ParamValues& p)
      : IntervalPattern(g),
        local_(p.get_int("local")),
        global_(p.get_int("global")),
        limit_(p.get_int("limit_distance")) {}

  void key_intervals(int, Index q, Intervals& out) const override {
    lambda_intervals(q, local_, global_, out);
  }

  // Local pairs use the true distance; global-branch pairs min(limit_distance, kv_len - 1).
  Index relative_position(int, Index q, Index k) const override {
    if (q - k < local_) return q - k;
    return std::min(limit_, geometry().kv_len - 1);
  }

  std::optional<Index> closed_form_pairs(int) const override {
    if (!is_square(geometry())) return std::nullopt;
    return lambda_pairs(geometry().q_len, local_, global_);
  }

 private:
  Index local_, global_, limit_;
};

const bool kRegistered = register_pattern({
    .name = "lm_infinite",
    .summary = "LM-Infinite: causal Λ-mask, first `global` keys + `local` recent keys; global "
               "pairs at distance min(limit_distance, kv_len-1) (--positions)",
    .params = {{.name = "local",
                .type = ParamType::kInt,
                .default_value = Index{4096},
                .help = "local branch: recent keys including self [C Llama-2 4096]",
                .min = 1},
               {.name = "global",
                .type = ParamType::kInt,
                .default_value = Index{10},
                .help = "global branch: the first keys [C Llama-2 10 or 100]"},
               {.name = "limit_distance",
                .type = ParamType::kInt,
                .default_value = Index{4096},
                .help = "distance ceiling of the global branch [C 4096]"}},
    .make = [](const Geometry& g,
               const ParamValues& p) { return std::make_unique<LmInfinite>(g, p); },
    .examples = {{{"local", Index{4}}, {"global", Index{2}}, {"limit_distance", Index{4}}},
                 {{"local", Index{25}}, {"global", Index{7}}}},
});

}  // namespace
}  // namespace attnbench
