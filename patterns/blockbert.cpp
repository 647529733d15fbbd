// BlockBERT (Qiu et al. 2020): n_blk equal blocks; head h lets block b attend block pi_h(b).
// Permutations are the identity and cyclic shifts; the paper's head split (10:2 for 2 blocks,
// 8:2:2 for 3, of 12 heads) is from memory [P], so it is the default and configurable
// (patterns.md §5). No official code exists.
#include <fmt/format.h>

#include <attnbench/errors.hpp>
#include <attnbench/interval_pattern.hpp>
#include <attnbench/registry.hpp>

namespace attnbench {
namespace {

class BlockBert final : public IntervalPattern {
 public:
  BlockBert(const Geometry& g, const ParamValues& p)
      : IntervalPattern(g), blocks_(p.get_int("blocks")) {
    if (blocks_ > g.kv_len)
      throw ParamError("blocks",
                       fmt::format("{} blocks exceed the sequence ({})", blocks_, g.kv_len));
    if (g.q_len != g.kv_len || g.q_offset != 0)
      throw ParamError("align", "BlockBERT is an encoder: square lengths only");
    if (blocks_ * g.heads > (Index{1} << 26)) {
      throw ParamError(
          "blocks",
          fmt::format("{} blocks x {} heads is too large a permutation table", blocks_, g.heads));
    }
    const IndexList& given = p.get_list("permutations");
    const auto per_head = static_cast<std::size_t>(blocks_);
    if (!given.empty() && given.size() != per_head * static_cast<std::size_t>(g.heads)) {
      throw ParamError("permutations",
                       fmt::format("expected heads x blocks = {} entries, got {}",
                                   per_head * static_cast<std::size_t>(g.heads), given.size()));
    }
    for (int h = 0; h < g.heads; ++h) {
      for (Index b = 0; b < blocks_; ++b) {
        const Index target = given.empty() ? (b + default_shift(h)) % blocks_
                                           : given[static_cast<std::size_t>(h * blocks_ + b)];
        if (target >= blocks_)
          throw ParamError("permutations", fmt::format("block {} does not exist", target));
        permutation_.push_back(target);
      }
    }
  }

  void key_intervals(int head, Index q, Intervals& out) const override {
    const Index n = geometry().kv_len;
    const Index block = q * blocks_ / n;
    const Index target = permutation_[static_cast<std::size_t>(head * blocks_ + block)];
    out.add((target * n + blocks_ - 1) / blocks_, ((target + 1) * n + blocks_ - 1) / blocks_);
  }

  bool varies_by_head() const override { return true; }

  std::optional<Index> closed_form_pairs(int) const override {
    const Index n = geometry().q_len;
    if (n % blocks_ != 0) return std::nullopt;
    return n * n / blocks_;
  }

 private:
  // The paper's split scaled to H heads: the last (blocks-1) * k heads shifted, k = max(1, H/6).
  Index default_shift(int head) const {
    const Index k = std::max<Index>(1, geometry().heads / 6);
    const Index identity = geometry().heads - k * (blocks_ - 1);
    return head < identity ? 0 : 1 + (head - identity) / k;
  }

  Index blocks_;
  IndexList permutation_;  // heads x blocks
};

const bool kRegistered = register_pattern({
    .name = "blockbert",
    .summary = "BlockBERT: block b of head h attends block pi_h(b); default split identity : "
               "shifts as 10:2 / 8:2:2 of 12 heads [P, unverified]",
    .params = {{.name = "blocks",
                .type = ParamType::kInt,
                .default_value = Index{2},
                .help = "n_blk equal blocks [P 2 or 3]",
                .min = 1},
               {.name = "permutations",
                .type = ParamType::kIntList,
                .default_value = IndexList{},
                .help = "heads x blocks block ids, flattened; empty = the paper's split"}},
    .make = [](const Geometry& g,
               const ParamValues& p) { return std::make_unique<BlockBert>(g, p); },
    .examples = {{{"blocks", Index{3}}},
                 {{"blocks", Index{3}},
                  {"permutations", IndexList{1, 2, 0, 0, 1, 2, 2, 0, 1, 1, 0, 2}}}},
    .square_only = true,
});

}  // namespace
}  // namespace attnbench
