// Block diffusion (BD3-LM, Arriola et al. 2025, as attention-gym and the paper's code write its
// training mask): the sequence is the noised x_t (the first L tokens) followed by the clean x_0
// (the last L), both cut into blocks of `block` tokens (the last block shorter when L is not a
// multiple). An x_t token sees its own x_t block (block diagonal) and the x_0 blocks before its
// block (offset block-causal); an x_0 token sees the x_0 blocks up to its own (block-causal).
#include <fmt/format.h>

#include <algorithm>

#include <attnbench/errors.hpp>
#include <attnbench/interval_pattern.hpp>
#include <attnbench/registry.hpp>

namespace attnbench {
namespace {

class BlockDiffusion final : public IntervalPattern {
 public:
  BlockDiffusion(const Geometry& g, const ParamValues& p)
      : IntervalPattern(g), block_(p.get_int("block")), half_(g.q_len / 2) {
    if (!is_square(g) || g.q_len % 2 != 0) {
      throw ParamError("align", fmt::format("block diffusion runs [x_t; x_0] of 2L tokens, square "
                                            "and top_left; got {} queries and {} keys",
                                            g.q_len, g.kv_len));
    }
  }

  void key_intervals(int, Index q, Intervals& out) const override {
    const bool clean = q >= half_;
    const Index block_start = ((clean ? q - half_ : q) / block_) * block_;
    const Index block_end = std::min(block_start + block_, half_);
    if (clean) {
      out.add(half_, half_ + block_end);
      return;
    }
    out.add(block_start, block_end);
    out.add(half_, half_ + block_start);
  }

  // Block b of s_b tokens ending at e_b: its x_t rows see s_b + (e_b - s_b) keys and its x_0
  // rows e_b, so 2 s_b e_b pairs in all.
  std::optional<Index> closed_form_pairs(int) const override {
    Index pairs = 0;
    for (Index start = 0; start < half_; start += block_) {
      const Index end = std::min(start + block_, half_);
      pairs += 2 * (end - start) * end;
    }
    return pairs;
  }

 private:
  Index block_, half_;
};

const bool kRegistered = register_pattern({
    .name = "block_diffusion",
    .summary = "BD3-LM block diffusion training mask over [x_t; x_0] (seq_len = 2L): own x_t "
               "block, earlier x_0 blocks; x_0 block-causal",
    .params = {{.name = "block",
                .type = ParamType::kInt,
                .default_value = Index{16},
                .help = "tokens per block (BD3-LM trains 4, 8, 16); L need not be a multiple",
                .min = 1}},
    .make = [](const Geometry& g,
               const ParamValues& p) { return std::make_unique<BlockDiffusion>(g, p); },
    .examples = {{{"block", Index{4}}}, {{"block", Index{7}}}, {{"block", Index{128}}}},
    .square_only = true,
});

}  // namespace
}  // namespace attnbench
