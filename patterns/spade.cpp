// SPADE (Zuo et al. 2022): local attention on every layer, plus an S4 state-space scan in layer 0,
// modelled as a side cost (patterns.md §3). The SSM FLOPs are the paper's order of magnitude
// estimate, d_model * (15 n log2(2n) + 8 N n), not a measurement.
#include <cmath>

#include <attnbench/common_params.hpp>
#include <attnbench/interval_pattern.hpp>
#include <attnbench/registry.hpp>

namespace attnbench {
namespace {

class Spade final : public IntervalPattern {
 public:
  Spade(const Geometry& g, const ParamValues& p)
      : IntervalPattern(g),
        radius_(p.get_int("radius")),
        causal_(p.get_bool("causal")),
        state_(p.get_int("ssm_state")) {}

  void key_intervals(int, Index q, Intervals& out) const override {
    out.add(q - radius_, causal_ ? q + 1 : q + radius_ + 1);
  }
  bool monotone() const override { return true; }

  std::optional<Index> closed_form_pairs(int) const override {
    const Index n = geometry().q_len, r = radius_;
    if (!is_square(geometry()) || n <= 2 * r) return std::nullopt;
    return causal_ ? n * (r + 1) - r * (r + 1) / 2 : n * (2 * r + 1) - r * (r + 1);
  }

  // Per head: this head's share (head_dim channels) of the layer-0 S4 scan.
  std::vector<SideCost> side_costs(Index head_dim) const override {
    const double n = static_cast<double>(geometry().kv_len);
    const double per_channel =
        15.0 * n * std::log2(2.0 * n) + 8.0 * static_cast<double>(state_) * n;
    return {{"ssm_scan_layer0_estimate", static_cast<double>(head_dim) * per_channel}};
  }

 private:
  Index radius_;
  bool causal_;
  Index state_;
};

const bool kRegistered = register_pattern({
    .name = "spade",
    .summary = "SPADE: local window |i-j| <= radius (causal 0 <= i-j <= radius) + an S4 scan "
               "side cost on layer 0 (estimate)",
    .params = {{.name = "radius",
                .type = ParamType::kInt,
                .default_value = Index{511},
                .help = "keys per side [C WikiText-103: 511, 512 keys with self]"},
               causal_param(true, "keys j <= i only [C LM]"),
               {.name = "ssm_state",
                .type = ParamType::kInt,
                .default_value = Index{64},
                .help = "S4 state size N [C 64]",
                .min = 1}},
    .make = [](const Geometry& g, const ParamValues& p) { return std::make_unique<Spade>(g, p); },
    .examples = {{{"radius", Index{3}}}, {{"radius", Index{3}}, {"causal", false}}},
});

}  // namespace
}  // namespace attnbench
