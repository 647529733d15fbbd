// A query tile's rows as key intervals, for the layout builder: each row's intervals are read
// from an IntervalPattern once per query tile (not once per key tile), merged and clipped, so
// that a partial key tile is counted and told from the chunk's other masks by its intervals
// (a few numbers a row) instead of by scanning, summing and hashing its block_q x block_kv bytes.
#pragma once

#include <cstdint>
#include <vector>

#include "core/interval_pattern.hpp"

namespace attnbench {

class TileRows {
 public:
  // Rows q_begin .. q_end - 1 (positions, the query offset included).
  void load(const IntervalPattern& pattern, int head, Index q_begin, Index q_end);

  // The key tile [k_begin, k_end): its allowed pairs, and in `signature` its rows' intervals
  // relative to k_begin (equal signatures, equal masks: the intervals are merged and sorted).
  Index describe(Index k_begin, Index k_end, std::vector<std::uint8_t>& signature) const;

  // Writes the tile's mask, row stride `block_kv`, into `mask` (already zero).
  void fill(Index k_begin, Index k_end, Index block_kv, std::uint8_t* mask) const;

 private:
  std::vector<KeyRange> ranges_;  // every row's merged intervals, row after row
  std::vector<std::size_t> row_start_;
};

}  // namespace attnbench
