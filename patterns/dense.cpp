// Full attention, optionally causal: the baseline every sparse pattern is compared with.
#include <attnbench/common_params.hpp>
#include <attnbench/interval_pattern.hpp>
#include <attnbench/registry.hpp>

namespace attnbench {
namespace {

class Dense final : public IntervalPattern {
 public:
  Dense(const Geometry& g, const ParamValues& p)
      : IntervalPattern(g), causal_(p.get_bool("causal")) {}

  void key_intervals(int, Index q, Intervals& out) const override {
    out.add(0, causal_ ? q + 1 : geometry().kv_len);
  }
  bool monotone() const override { return true; }

  std::optional<Index> closed_form_pairs(int) const override {
    const Index n = geometry().q_len;
    if (!causal_) return n * geometry().kv_len;
    if (!is_square(geometry())) return std::nullopt;
    return n * (n + 1) / 2;
  }

 private:
  bool causal_;
};

const bool kRegistered = register_pattern({
    .name = "dense",
    .summary = "every query sees every key (causal: keys j <= i); the O(n^2) baseline",
    .params = {causal_param(false)},
    .make = [](const Geometry& g, const ParamValues& p) { return std::make_unique<Dense>(g, p); },
    .examples = {{{"causal", true}}},
});

}  // namespace
}  // namespace attnbench
