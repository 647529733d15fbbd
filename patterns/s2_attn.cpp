// LongLoRA's shifted sparse attention (Chen et al. 2023): the first half of the heads attend
// within groups of G tokens, the second half within groups shifted by half a group. `flash` is
// the official training path (cu_seqlens boundaries at kG + G//2: segments [0,h), [h,h+G), ...,
// [.., n) with h = G//2); `roll` the official non-flash path and the paper's pseudocode, which
// rolls Q, K and V by -G//2 and so lets the first queries see the last keys (a causal leak, kept
// for fidelity). Both reproduce LongLoRA's Python integer division for an odd G too: the roll is
// by -G//2 = -ceil(G/2) (-50 for G = 99), the flash boundaries at G//2 = floor(G/2) (49).
// Training only: square lengths (patterns.md §1).
#include <fmt/format.h>

#include <attnbench/common_params.hpp>
#include <attnbench/errors.hpp>
#include <attnbench/interval_pattern.hpp>
#include <attnbench/registry.hpp>

namespace attnbench {
namespace {

class S2Attn final : public IntervalPattern {
 public:
  S2Attn(const Geometry& g, const ParamValues& p)
      : IntervalPattern(g),
        roll_(p.get_choice("variant") == "roll"),
        causal_(p.get_bool("causal")) {
    if (g.q_len != g.kv_len || g.q_offset != 0) {
      throw ParamError("align", "S2-Attn is a training pattern: q_len must equal kv_len");
    }
    group_ = p.get_int("group") > 0 ? p.get_int("group") : std::max<Index>(1, g.q_len / 4);
    if (group_ > g.q_len)
      throw ParamError("group", fmt::format("group {} exceeds the sequence ({})", group_, g.q_len));
    half_ = group_ / 2;            // G//2: the flash path's boundaries
    roll_shift_ = group_ - half_;  // -(-G//2): the roll path's shift
  }

  void key_intervals(int head, Index q, Intervals& out) const override {
    if (head < geometry().heads / 2 || geometry().heads == 1) {
      const Index start = q / group_ * group_;
      out.add(start, causal_ ? q + 1 : start + group_);
    } else if (!roll_) {
      // Segments end at kG + h, the first one at h: the segment of q starts at the last such
      // boundary at or before q (or 0).
      const Index start = floor_div(q - half_, group_) * group_ + half_;
      out.add(start, causal_ ? q + 1 : start + group_);
    } else {
      rolled(q, out);
    }
  }

  bool varies_by_head() const override { return geometry().heads > 1; }

  std::optional<Index> closed_form_pairs(int head) const override {
    const Index n = geometry().q_len, g = group_;
    if (n % g != 0 || g % 2 != 0) return std::nullopt;
    const bool shifted = head >= geometry().heads / 2 && geometry().heads > 1 && !roll_;
    if (causal_)
      return shifted ? (n / g - 1) * g * (g + 1) / 2 + (g / 2) * (g / 2 + 1) : n * (g + 1) / 2;
    return shifted ? n * g - g * g / 2 : n * g;
  }

 private:
  // torch.roll(x, -G//2) puts position p at rolled index r(p) = (p - s) mod n, s = ceil(G/2);
  // keys with r(j) in the query's rolled group, r(j) <= r(q). (The official code rolls the
  // output back by G//2, one less than s for an odd G: query q's output lands in row q - 1. A
  // mask cannot say that; the pairs each query computes are these.)
  void rolled(Index q, Intervals& out) const {
    const Index n = geometry().q_len;
    const Index r = ((q - roll_shift_) % n + n) % n;
    const Index lo = r / group_ * group_;
    const Index hi = causal_ ? r + 1 : std::min(n, lo + group_);
    const Index begin = (lo + roll_shift_) % n, length = hi - lo;
    out.add(begin, std::min(n, begin + length));
    if (begin + length > n) out.add(0, begin + length - n);
  }

  bool roll_, causal_;
  Index group_ = 1, half_ = 0, roll_shift_ = 0;
};

const bool kRegistered = register_pattern({
    .name = "s2_attn",
    .summary = "LongLoRA S2-Attn: half the heads in groups of G, half in groups shifted by G/2 "
               "(flash: official path; roll: pseudocode, leaks)",
    .params = {{.name = "group",
                .type = ParamType::kInt,
                .default_value = Index{0},
                .help = "group size G; 0 = n/4 [C group_size_ratio 1/4]"},
               {.name = "variant",
                .type = ParamType::kChoice,
                .default_value = std::string("flash"),
                .help = "flash (cu_seqlens segments) or roll (the pseudocode's roll)",
                .choices = {"flash", "roll"}},
               causal_param(true, "keys j <= i (LongLoRA is causal-LM only; false is derived)")},
    .make = [](const Geometry& g, const ParamValues& p) { return std::make_unique<S2Attn>(g, p); },
    .examples = {{{"group", Index{4}}},
                 {{"group", Index{4}}, {"variant", std::string("roll")}},
                 {{"group", Index{8}}, {"causal", false}},
                 {{"group", Index{10}}, {"variant", std::string("roll")}, {"causal", false}},
                 {{"group", Index{7}}},  // odd: G//2 = 3 and -G//2 = -4
                 {{"group", Index{7}}, {"variant", std::string("roll")}}},
    .square_only = true,
});

}  // namespace
}  // namespace attnbench
