// A query tile's rows as merged key intervals, for the interval layout path
// (interval_layout.cpp). Each row's intervals are read from the IntervalPattern once per query
// tile into flat arrays that are reused from tile to tile (no allocation once warm), and every
// key tile the rows touch is then told from them: full without a scan where the rows are one
// interval each whose ends do not move backwards (checked on the rows, not taken from
// monotone()), otherwise by its signature, the rows' intervals clipped to the tile.
#pragma once

#include <cstdint>
#include <vector>

#include "core/interval_pattern.hpp"

namespace attnbench {

// A range [begin, end) of key tile indices.
struct TileSpan {
  Index begin = 0;
  Index end = 0;
};

class IntervalRows {
 public:
  // Rows q_begin .. q_end - 1 (positions, the query offset included).
  void load(const IntervalPattern& pattern, int head, Index q_begin, Index q_end);

  // The key tiles of width `block_kv` that some row touches, ascending and disjoint.
  const std::vector<TileSpan>& touched_tiles(Index block_kv);

  // True when every row allows all of [k_begin, k_end), known from the first and last rows
  // alone; false means "scan it" (describe), not "not full".
  bool surely_full(Index k_begin, Index k_end) const {
    return ordered_ && last_begin_ <= k_begin && first_end_ >= k_end;
  }

  // The key tile [k_begin, k_end): its allowed pairs, and in `signature` each row's intervals
  // clipped to it, relative to k_begin, then -1 (equal signatures, equal masks). Tiles are asked
  // in ascending order after a load: each row keeps a cursor into its intervals.
  Index describe(Index k_begin, Index k_end, std::vector<std::int32_t>& signature);

  // True when each row is one interval, each `other`'s moved `shift` keys on.
  bool shifted_from(const IntervalRows& other, Index shift) const;
  // The largest end of the rows' intervals, when shifted_from() was true.
  Index last_end() const { return ranges_.back().end; }

 private:
  void add_row(Index kv_len);
  Index describe_ordered(Index k_begin, Index k_end, std::vector<std::int32_t>& signature) const;

  Intervals keys_;                      // one row's intervals as the pattern gives them
  std::vector<KeyRange> ranges_;        // every row's merged, clipped, non-empty intervals
  std::vector<std::size_t> row_start_;  // rows + 1 offsets into ranges_
  std::vector<std::size_t> cursor_;     // per row: its first interval not yet left behind
  std::vector<TileSpan> spans_;
  // Whether every row is one interval with ends not moving backwards; then the last row's
  // begin is the largest and the first row's end the smallest.
  bool ordered_ = true;
  Index first_end_ = 0, last_begin_ = 0;
};

// Writes a mask (row stride `block_kv`, already zero) from a signature made by describe().
void fill_from_signature(const std::int32_t* signature, std::size_t length, Index block_kv,
                         std::uint8_t* mask);

}  // namespace attnbench
