// A base for patterns whose allowed keys, for each query, are a few intervals: windows, blocks,
// causal prefixes, sinks and global keys, a block chosen by a permutation. From that one function
// it derives fast row filling, candidate key ranges and exact tile classification.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include <attnbench/pattern.hpp>

namespace attnbench {

// A query's key intervals [begin, end), as many as the pattern adds. The first kInline live
// inside the object, so the layout builder, which asks for every query row's intervals, does
// not allocate for the usual few; more spill to the heap (a 2-D neighbourhood of radius r
// needs 2r + 1). Empty ones are kept: a monotone pattern's empty interval still says where the
// query stands.
class Intervals {
 public:
  static constexpr int kInline = 16;

  void add(Index begin, Index end) {
    if (count_ < kInline) {
      inline_[static_cast<std::size_t>(count_)] = {begin, end};
    } else {
      spill().push_back({begin, end});
    }
    ++count_;
  }
  const KeyRange* begin() const { return spilled_.empty() ? inline_.data() : spilled_.data(); }
  const KeyRange* end() const { return begin() + count_; }
  KeyRange* begin() { return spilled_.empty() ? inline_.data() : spilled_.data(); }
  KeyRange* end() { return begin() + count_; }
  int size() const { return count_; }
  // Empties the list but keeps its storage, so that a caller asking for a million rows'
  // intervals reuses one object (constructing one zeroes the inline array).
  void clear() {
    count_ = 0;
    spilled_.clear();
  }

 private:
  // Moves the inline intervals to the heap the first time they overflow.
  std::vector<KeyRange>& spill() {
    if (spilled_.empty()) {
      spilled_.reserve(2 * static_cast<std::size_t>(kInline));
      spilled_.assign(inline_.begin(), inline_.begin() + count_);
    }
    return spilled_;
  }

  std::array<KeyRange, kInline> inline_{};
  std::vector<KeyRange> spilled_;  // every interval once there are more than kInline
  int count_ = 0;
};

class IntervalPattern : public Pattern {
 public:
  using Pattern::Pattern;

  // The keys the query at position `q` sees, before clipping to [0, kv_len).
  virtual void key_intervals(int head, Index q, Intervals& out) const = 0;

  // True when the query's keys are one interval whose two ends never move backwards as q
  // grows: then a tile is classified from its first and last rows alone.
  virtual bool monotone() const { return false; }

  bool allows(int head, Index q, Index k) const override;
  void fill_row(int head, Index q, Index k_begin, Index k_end, std::uint8_t* out) const override;
  std::vector<KeyRange> candidate_keys(int head, Index q_begin, Index q_end) const override;
  std::optional<TileKind> classify(int head, const TileRect& tile) const override;

 private:
  Intervals clipped(int head, Index q) const;
};

// `exclude_self` (common_params.hpp): copies `keys` into `out` without the query's own key q,
// unless q is the only key of [0, kv_len) that `keys` cover.
void add_excluding_self(const Intervals& keys, Index q, Index kv_len, Intervals& out);

// Pair counts of the closed forms hold for the square, top-left case only.
inline bool is_square(const Geometry& g) { return g.q_len == g.kv_len && g.q_offset == 0; }

inline Index floor_div(Index a, Index b) { return a >= 0 ? a / b : -((-a + b - 1) / b); }

}  // namespace attnbench
