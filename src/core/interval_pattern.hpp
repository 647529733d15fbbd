// A base for patterns whose allowed keys, for each query, are a few intervals: windows, blocks,
// causal prefixes, sinks and global keys, a block chosen by a permutation. From that one function
// it derives fast row filling, candidate key ranges and exact tile classification.
#pragma once

#include <array>

#include "core/pattern.hpp"

namespace attnbench {

// Up to kMax key intervals [begin, end), on the stack. Empty ones are kept: a monotone pattern's
// empty interval still says where the query stands.
class Intervals {
 public:
  static constexpr int kMax = 16;
  void add(Index begin, Index end) {
    if (count_ < kMax) ranges_[static_cast<std::size_t>(count_++)] = {begin, end};
  }
  const KeyRange* begin() const { return ranges_.data(); }
  const KeyRange* end() const { return ranges_.data() + count_; }
  int size() const { return count_; }

 private:
  std::array<KeyRange, kMax> ranges_{};
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

// Pair counts of the closed forms hold for the square, top-left case only.
inline bool is_square(const Geometry& g) { return g.q_len == g.kv_len && g.q_offset == 0; }

inline Index floor_div(Index a, Index b) { return a >= 0 ? a / b : -((-a + b - 1) / b); }

}  // namespace attnbench
