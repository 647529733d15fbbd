// Self-Extend (Jin et al. 2024): the mask is dense causal; what changes is the relative
// position. Pairs within the neighbour window keep i - j; the rest use grouped positions
// floor(i/G) + W - W/G - floor(j/G) (patterns.md §10). The two sets partition the triangle:
// the band has nW - W(W-1)/2 pairs, the grouped rest (n-W)(n-W+1)/2.
#include <attnbench/interval_pattern.hpp>
#include <attnbench/registry.hpp>

namespace attnbench {
namespace {

class SelfExtend final : public IntervalPattern {
 public:
  SelfExtend(const Geometry& g, const ParamValues& p)
      : IntervalPattern(g), group_(p.get_int("group")), window_(p.get_int("neighbor_window")) {}

  void key_intervals(int, Index q, Intervals& out) const override { out.add(0, q + 1); }
  bool monotone() const override { return true; }

  Index relative_position(int, Index q, Index k) const override {
    if (q - k < window_) return q - k;
    return (q / group_ + window_ - window_ / group_) - k / group_;
  }

  std::optional<Index> closed_form_pairs(int) const override {
    if (!is_square(geometry())) return std::nullopt;
    return geometry().q_len * (geometry().q_len + 1) / 2;
  }

 private:
  Index group_, window_;
};

const bool kRegistered = register_pattern({
    .name = "self_extend",
    .summary = "Self-Extend: dense causal mask; neighbour band keeps i-j, the rest grouped "
               "positions (--positions)",
    .params = {{.name = "group",
                .type = ParamType::kInt,
                .default_value = Index{32},
                .help = "group size G [C example.py 32; README 2..64]",
                .min = 1},
               {.name = "neighbor_window",
                .type = ParamType::kInt,
                .default_value = Index{1024},
                .help = "neighbour window W [C 1024; README 512..1536]",
                .min = 1}},
    .make = [](const Geometry& g,
               const ParamValues& p) { return std::make_unique<SelfExtend>(g, p); },
    .examples = {{{"group", Index{2}}, {"neighbor_window", Index{4}}}},
});

}  // namespace
}  // namespace attnbench
