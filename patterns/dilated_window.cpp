// Dilated sliding window, Longformer's convention: `radius` counts keys per side, so the span is
// dilation * radius: (i-j) mod dilation == 0 and |i-j| <= dilation * radius (Appendix C).
#include <fmt/format.h>

#include <attnbench/common_params.hpp>
#include <attnbench/errors.hpp>
#include <attnbench/interval_pattern.hpp>
#include <attnbench/registry.hpp>

namespace attnbench {
namespace {

class DilatedWindow final : public Pattern {
 public:
  DilatedWindow(const Geometry& g, const ParamValues& p)
      : Pattern(g),
        radius_(p.get_int("radius")),
        dilation_(p.get_int("dilation")),
        causal_(p.get_bool("causal")) {
    if (radius_ * dilation_ >= g.kv_len) {
      throw ParamError(
          "radius", fmt::format("the window spans {} keys per side, longer than the sequence ({})",
                                radius_ * dilation_, g.kv_len));
    }
  }

  bool allows(int, Index q, Index k) const override {
    const Index distance = q - k;
    if (causal_ && distance < 0) return false;
    return distance % dilation_ == 0 && std::abs(distance) <= dilation_ * radius_;
  }

  std::vector<KeyRange> candidate_keys(int, Index q_begin, Index q_end) const override {
    const Index span = dilation_ * radius_;
    return {KeyRange{q_begin - span, causal_ ? q_end : q_end + span}};
  }

  std::optional<Index> closed_form_pairs(int) const override {
    const Index n = geometry().q_len, w = radius_, d = dilation_;
    if (!is_square(geometry()) || d * w >= n) return std::nullopt;
    return causal_ ? n * (w + 1) - d * w * (w + 1) / 2 : n * (2 * w + 1) - d * w * (w + 1);
  }

 private:
  Index radius_, dilation_;
  bool causal_;
};

const bool kRegistered = register_pattern({
    .name = "dilated_window",
    .summary = "dilated window: (i-j) mod dilation == 0 and |i-j| <= dilation*radius",
    .params = {{.name = "radius",
                .type = ParamType::kInt,
                .default_value = Index{128},
                .help = "keys per side"},
               {.name = "dilation",
                .type = ParamType::kInt,
                .default_value = Index{2},
                .help = "distance between attended keys",
                .min = 1},
               causal_param(false)},
    .make = [](const Geometry& g,
               const ParamValues& p) { return std::make_unique<DilatedWindow>(g, p); },
    .examples = {{{"radius", Index{2}}, {"dilation", Index{2}}},
                 {{"radius", Index{4}}, {"dilation", Index{3}}, {"causal", true}}},
});

}  // namespace
}  // namespace attnbench
