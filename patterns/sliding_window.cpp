// Sliding window: query i sees keys i - left .. i + right (Longformer's local band, SPADE, LongT5
// local); `radius` sets both sides, `causal` forces right = 0 (patterns.md, Appendix C).
#include <fmt/format.h>

#include <attnbench/common_params.hpp>
#include <attnbench/errors.hpp>
#include <attnbench/interval_pattern.hpp>
#include <attnbench/registry.hpp>

namespace attnbench {
namespace {

class SlidingWindow final : public IntervalPattern {
 public:
  SlidingWindow(const Geometry& g, const ParamValues& p)
      : IntervalPattern(g), exclude_self_(p.get_bool("exclude_self")) {
    const Index radius = p.get_int("radius");
    left_ = p.get_int("left") >= 0 ? p.get_int("left") : radius;
    right_ = p.get_bool("causal") ? 0 : (p.get_int("right") >= 0 ? p.get_int("right") : radius);
    if (std::max(left_, right_) >= g.kv_len) {
      throw ParamError("radius",
                       fmt::format("a window of {} keys per side is longer than the sequence ({}); "
                                   "use dense",
                                   std::max(left_, right_), g.kv_len));
    }
  }

  void key_intervals(int, Index q, Intervals& out) const override {
    if (!exclude_self_) return out.add(q - left_, q + right_ + 1);
    Intervals window;
    window.add(q - left_, q + right_ + 1);
    add_excluding_self(window, q, geometry().kv_len, out);
  }
  bool monotone() const override { return !exclude_self_; }

  std::optional<Index> closed_form_pairs(int) const override {
    const Index n = geometry().q_len;
    if (!is_square(geometry()) || n <= left_ + right_) return std::nullopt;
    const Index pairs =
        n * (left_ + right_ + 1) - left_ * (left_ + 1) / 2 - right_ * (right_ + 1) / 2;
    return exclude_self_ ? pairs - n + alone() : pairs;
  }

 private:
  // Queries whose window holds only themselves, which keep their own key under exclude_self:
  // one end of the sequence when one side is empty, every query when both are.
  Index alone() const {
    if (left_ == 0 && right_ == 0) return geometry().q_len;
    return left_ == 0 || right_ == 0 ? 1 : 0;
  }

  Index left_ = 0;
  Index right_ = 0;
  bool exclude_self_;
};

const bool kRegistered = register_pattern({
    .name = "sliding_window",
    .summary = "keys i-left <= j <= i+right (radius sets both sides; causal: right = 0)",
    .params = {{.name = "radius",
                .type = ParamType::kInt,
                .default_value = Index{128},
                .help = "keys per side, self excluded"},
               causal_param(false, "no key after the query (right = 0)"),
               {.name = "left",
                .type = ParamType::kInt,
                .default_value = Index{-1},
                .help = "keys before the query; -1 takes radius",
                .min = -1},
               {.name = "right",
                .type = ParamType::kInt,
                .default_value = Index{-1},
                .help = "keys after the query; -1 takes radius",
                .min = -1},
               exclude_self_param()},
    .make = [](const Geometry& g,
               const ParamValues& p) { return std::make_unique<SlidingWindow>(g, p); },
    .examples = {{{"radius", Index{3}}, {"causal", true}},
                 {{"radius", Index{5}}, {"left", Index{7}}, {"right", Index{2}}},
                 {{"radius", Index{40}}},
                 {{"radius", Index{2}}, {"causal", true}, {"exclude_self", true}},
                 {{"radius", Index{0}}, {"exclude_self", true}}},
});

}  // namespace
}  // namespace attnbench
