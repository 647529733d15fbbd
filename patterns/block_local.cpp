// Block-local attention: a query sees the keys of its own block of `block` positions (the
// chunk-diagonal mask of BlockBERT's identity heads and SPADE's chunk variant).
#include <fmt/format.h>

#include "core/common_params.hpp"
#include "core/errors.hpp"
#include "core/interval_pattern.hpp"
#include "core/registry.hpp"

namespace attnbench {
namespace {

class BlockLocal final : public IntervalPattern {
 public:
  BlockLocal(const Geometry& g, const ParamValues& p)
      : IntervalPattern(g),
        block_(p.get_int("block")),
        causal_(p.get_bool("causal")),
        exclude_self_(p.get_bool("exclude_self")) {
    if (block_ > g.kv_len) {
      throw ParamError(
          "block", fmt::format("a block of {} is longer than the sequence ({}); use dense", block_,
                               g.kv_len));
    }
  }

  void key_intervals(int, Index q, Intervals& out) const override {
    const Index start = floor_div(q, block_) * block_;
    if (!exclude_self_) return out.add(start, causal_ ? q + 1 : start + block_);
    Intervals block;
    block.add(start, causal_ ? q + 1 : start + block_);
    add_excluding_self(block, q, geometry().kv_len, out);
  }
  bool monotone() const override { return !exclude_self_; }

  std::optional<Index> closed_form_pairs(int) const override {
    if (!is_square(geometry())) return std::nullopt;
    const Index n = geometry().q_len;
    const Index full = n / block_;
    const Index tail = n % block_;
    const Index pairs = causal_ ? full * block_ * (block_ + 1) / 2 + tail * (tail + 1) / 2
                                : full * block_ * block_ + tail * tail;
    if (!exclude_self_) return pairs;
    // Alone in its block: the first query of each block when causal, a block of one otherwise.
    const Index blocks = full + (tail > 0 ? 1 : 0);
    const Index alone = causal_ ? blocks : (block_ == 1 ? n : (tail == 1 ? 1 : 0));
    return pairs - n + alone;
  }

 private:
  Index block_;
  bool causal_, exclude_self_;
};

const bool kRegistered = register_pattern({
    .name = "block_local",
    .summary = "keys in the query's own block: floor(i/block) == floor(j/block)",
    .params = {{.name = "block",
                .type = ParamType::kInt,
                .default_value = Index{128},
                .help = "positions per block",
                .min = 1},
               causal_param(false),
               exclude_self_param()},
    .make = [](const Geometry& g,
               const ParamValues& p) { return std::make_unique<BlockLocal>(g, p); },
    .examples = {{{"block", Index{4}}, {"causal", true}},
                 {{"block", Index{100}}},
                 {{"block", Index{4}}, {"causal", true}, {"exclude_self", true}},
                 {{"block", Index{3}}, {"exclude_self", true}}},
});

}  // namespace
}  // namespace attnbench
