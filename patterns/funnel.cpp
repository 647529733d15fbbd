// Funnel-Transformer (Dai et al. 2020) is not a mask: at the first layer of stage s >= 1,
// pooled queries (n / pool^s) attend the unpooled keys of the previous stage (n / pool^(s-1)),
// densely. This plugin executes that rectangular layer: q_len = n / pool^stage, kv_len =
// n / pool^(stage-1) (truncated, as with separate_cls + truncate_seq). stage 0 is the dense n x n
// first block (patterns.md §8).
#include <fmt/format.h>

#include <attnbench/errors.hpp>
#include <attnbench/interval_pattern.hpp>
#include <attnbench/registry.hpp>

namespace attnbench {
namespace {

Index pooled(Index n, Index pool, Index times) {
  for (Index i = 0; i < times; ++i) n /= pool;
  return n;
}

class Funnel final : public IntervalPattern {
 public:
  Funnel(const Geometry& g, const ParamValues& p) : IntervalPattern(g), pool_(p.get_int("pool")) {
    if (g.q_len < 1) throw ParamError("stage", "pooling leaves no query");
    // Upstream's lengths without separate_cls (ceil-mode pooling) are not modelled: refuse the
    // value instead of ignoring it.
    if (!p.get_bool("separate_cls")) {
      throw ParamError("separate_cls",
                       "false is not modelled (the plugin executes upstream's separate_cls + "
                       "truncate_seq lengths n/pool^s); leave it at true");
    }
  }

  void key_intervals(int, Index, Intervals& out) const override { out.add(0, geometry().kv_len); }
  bool monotone() const override { return true; }

  std::optional<Index> closed_form_pairs(int) const override {
    return geometry().q_len * geometry().kv_len;
  }

  // Mean-pooling the previous stage's keys into the queries: kv_len * d adds.
  std::vector<SideCost> side_costs(Index head_dim) const override {
    return {{"pooling", static_cast<double>(geometry().kv_len * head_dim)}};
  }

 private:
  Index pool_;
};

const bool kRegistered = register_pattern({
    .name = "funnel",
    .summary = "Funnel-Transformer stage s: n/pool^s pooled queries x n/pool^(s-1) keys, dense",
    .params = {{.name = "stage",
                .type = ParamType::kInt,
                .default_value = Index{1},
                .help = "stage s; 0 = the unpooled first block [C B6-6-6: stages 0..2]",
                .max = 30},
               {.name = "pool",
                .type = ParamType::kInt,
                .default_value = Index{2},
                .help = "pooling size [C 2]",
                .min = 2},
               {.name = "separate_cls",
                .type = ParamType::kBool,
                .default_value = true,
                .help = "[CLS] kept apart from pooling (lengths stay n/2^s) [C]; only true is "
                        "modelled"}},
    .make = [](const Geometry& g, const ParamValues& p) { return std::make_unique<Funnel>(g, p); },
    .lengths =
        [](Index n, Index, const ParamValues& p) {
          const Index s = p.get_int("stage"), pool = p.get_int("pool");
          const Index q = s == 0 ? n : pooled(n, pool, s);
          if (q < 1)
            throw ParamError("stage", fmt::format("stage {} pools {} tokens to nothing", s, n));
          return std::pair{q, s == 0 ? n : pooled(n, pool, s - 1)};
        },
    .examples = {{{"stage", Index{2}}}, {{"stage", Index{0}}}},
});

}  // namespace
}  // namespace attnbench
