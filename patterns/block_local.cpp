// Block-local attention: a query sees the keys of its own block of `block` positions (the
// chunk-diagonal mask of BlockBERT's identity heads and SPADE's chunk variant), or of blocks of
// listed sizes (DeepSpeed's VariableSparsityConfig local windows). docs/patterns.md#block_local.
#include <fmt/format.h>

#include <algorithm>

#include <attnbench/common_params.hpp>
#include <attnbench/errors.hpp>
#include <attnbench/interval_pattern.hpp>
#include <attnbench/registry.hpp>

namespace attnbench {
namespace {

// The windows: the listed sizes in order, then the last size over and over (DeepSpeed Variable's
// local_window_blocks); a window that would pass the sequence end is cut there.
class Windows {
 public:
  explicit Windows(IndexList sizes) : sizes_(std::move(sizes)) {
    Index start = 0;
    for (Index size : sizes_) {
      starts_.push_back(start);
      start += size;
    }
  }

  // The window holding position q: its start and size. Positions before 0 (bottom_right with
  // more queries than keys) fall in windows of the first size, as a single size's do.
  KeyRange of(Index q) const {
    const Index last_start = starts_.back(), last = sizes_.back();
    if (q < 0) return window(floor_div(q, sizes_.front()) * sizes_.front(), sizes_.front());
    if (q >= last_start) return window(last_start + (q - last_start) / last * last, last);
    const auto i = static_cast<std::size_t>(std::upper_bound(starts_.begin(), starts_.end(), q) -
                                            starts_.begin() - 1);
    return window(starts_[i], sizes_[i]);
  }

  // Every window's size within [0, n), the last one cut at n, in order.
  template <typename Visit>
  void each(Index n, Visit visit) const {
    for (std::size_t i = 0; i + 1 < sizes_.size() && starts_[i] < n; ++i)
      visit(std::min(sizes_[i], n - starts_[i]), Index{1});
    const Index last_start = starts_.back(), last = sizes_.back();
    if (last_start >= n) return;
    visit(last, (n - last_start) / last);
    if ((n - last_start) % last) visit((n - last_start) % last, Index{1});
  }

  Index first() const { return sizes_.front(); }

 private:
  static KeyRange window(Index start, Index size) { return {start, start + size}; }

  IndexList sizes_, starts_;
};

class BlockLocal final : public IntervalPattern {
 public:
  BlockLocal(const Geometry& g, const ParamValues& p)
      : IntervalPattern(g),
        windows_(p.get_int_or_list("block")),
        causal_(p.get_bool("causal")),
        exclude_self_(p.get_bool("exclude_self")) {
    if (windows_.first() > g.kv_len) {
      throw ParamError("block", fmt::format("a block of {} is longer than the sequence ({}); use "
                                            "dense",
                                            windows_.first(), g.kv_len));
    }
  }

  void key_intervals(int, Index q, Intervals& out) const override {
    const KeyRange w = windows_.of(q);
    const Index end = causal_ ? q + 1 : w.end;
    if (!exclude_self_) return out.add(w.begin, end);
    Intervals block;
    block.add(w.begin, end);
    add_excluding_self(block, q, geometry().kv_len, out);
  }
  bool monotone() const override { return !exclude_self_; }

  std::optional<Index> closed_form_pairs(int) const override {
    if (!is_square(geometry())) return std::nullopt;
    const Index n = geometry().q_len;
    Index pairs = 0, blocks = 0, singles = 0;
    windows_.each(n, [&](Index size, Index count) {
      pairs += count * (causal_ ? size * (size + 1) / 2 : size * size);
      blocks += count;
      singles += size == 1 ? count : 0;
    });
    if (!exclude_self_) return pairs;
    // Alone in its block: the first query of each block when causal, a block of one otherwise.
    return pairs - n + (causal_ ? blocks : singles);
  }

 private:
  Windows windows_;
  bool causal_, exclude_self_;
};

const bool kRegistered = register_pattern({
    .name = "block_local",
    .summary = "keys in the query's own block: floor(i/block) == floor(j/block); block may list "
               "sizes, the last repeated (DeepSpeed Variable)",
    .params = {{.name = "block",
                .type = ParamType::kIntOrList,
                .default_value = Index{128},
                .help = "positions per block, or a list of block sizes in order, the last "
                        "repeated [C DeepSpeed Variable local_window_blocks]",
                .min = 1},
               causal_param(false),
               exclude_self_param()},
    .make = [](const Geometry& g,
               const ParamValues& p) { return std::make_unique<BlockLocal>(g, p); },
    .examples = {{{"block", Index{4}}, {"causal", true}},
                 {{"block", Index{100}}},
                 {{"block", Index{4}}, {"causal", true}, {"exclude_self", true}},
                 {{"block", Index{3}}, {"exclude_self", true}},
                 // Sizes in order, the last repeated; ragged last windows at 97, 130 and 50.
                 {{"block", IndexList{4, 8, 16}}, {"causal", true}},
                 {{"block", IndexList{16, 2}}},
                 {{"block", IndexList{3, 1, 5}}, {"exclude_self", true}},
                 {{"block", IndexList{2, 7}}, {"causal", true}, {"exclude_self", true}}},
});

}  // namespace
}  // namespace attnbench
