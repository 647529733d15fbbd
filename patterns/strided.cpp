// Sparse Transformer (Child et al. 2019), causal: `strided` sees the last `stride` keys and every
// stride-th key before them, (i-j) < l or (i-j) mod l == 0; `fixed` sees its own block of l and
// the last `summary` positions of every block (Appendix C).
#include "core/interval_pattern.hpp"
#include "core/registry.hpp"

namespace attnbench {
namespace {

class Strided final : public Pattern {
 public:
  Strided(const Geometry& g, const ParamValues& p)
      : Pattern(g),
        fixed_(p.get_choice("mode") == "fixed"),
        stride_(p.get_int("stride")),
        summary_(p.get_int("summary")) {}

  bool allows(int, Index q, Index k) const override {
    if (k > q) return false;
    if (fixed_)
      return floor_div(k, stride_) == floor_div(q, stride_) || k % stride_ >= stride_ - summary_;
    return q - k < stride_ || (q - k) % stride_ == 0;
  }

  std::vector<KeyRange> candidate_keys(int, Index, Index q_end) const override {
    return {KeyRange{0, q_end}};
  }

 private:
  bool fixed_;
  Index stride_, summary_;
};

const bool kRegistered = register_pattern({
    .name = "strided",
    .summary = "Sparse Transformer, causal: strided ((i-j) < l or (i-j) mod l == 0) or fixed "
               "(own block + the last `summary` of every block)",
    .params = {{.name = "mode",
                .type = ParamType::kChoice,
                .default_value = std::string("strided"),
                .help = "strided or fixed",
                .choices = {"strided", "fixed"}},
               {.name = "stride",
                .type = ParamType::kInt,
                .default_value = Index{128},
                .help = "stride / block length l",
                .min = 1},
               {.name = "summary",
                .type = ParamType::kInt,
                .default_value = Index{8},
                .help = "fixed mode: summary positions c per block"}},
    .make = [](const Geometry& g, const ParamValues& p) { return std::make_unique<Strided>(g, p); },
    .examples = {{{"stride", Index{4}}},
                 {{"mode", std::string("fixed")}, {"stride", Index{8}}, {"summary", Index{2}}}},
});

}  // namespace
}  // namespace attnbench
