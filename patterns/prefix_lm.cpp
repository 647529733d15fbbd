// Prefix LM (T5, UniLM): keys j < prefix or j <= i. Every query, prefix queries included, sees
// the whole prefix (patterns.md, Appendix C).
#include <attnbench/interval_pattern.hpp>
#include <attnbench/registry.hpp>

namespace attnbench {
namespace {

class PrefixLm final : public IntervalPattern {
 public:
  PrefixLm(const Geometry& g, const ParamValues& p)
      : IntervalPattern(g), prefix_(p.get_int("prefix")) {}

  void key_intervals(int, Index q, Intervals& out) const override {
    out.add(0, std::max(prefix_, q + 1));
  }
  bool monotone() const override { return true; }

  std::optional<Index> closed_form_pairs(int) const override {
    const Index n = geometry().q_len;
    if (!is_square(geometry()) || prefix_ > n) return std::nullopt;
    return n * (n + 1) / 2 + prefix_ * (prefix_ - 1) / 2;
  }

 private:
  Index prefix_;
};

const bool kRegistered = register_pattern({
    .name = "prefix_lm",
    .summary = "prefix LM: keys j < prefix, or j <= i",
    .params = {{.name = "prefix",
                .type = ParamType::kInt,
                .default_value = Index{512},
                .help = "positions of the bidirectional prefix"}},
    .make = [](const Geometry& g,
               const ParamValues& p) { return std::make_unique<PrefixLm>(g, p); },
    .examples = {{{"prefix", Index{5}}}, {{"prefix", Index{0}}}},
});

}  // namespace
}  // namespace attnbench
