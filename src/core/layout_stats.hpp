// Counts taken from a block layout: allowed and executed pairs, tiles, keys per query. These are
// the figures behind the density columns and the FLOP columns of every record.
#pragma once

#include <vector>

#include "core/layout.hpp"

namespace attnbench {

struct HeadStats {
  Index allowed_pairs = 0;   // pairs the mask allows
  Index executed_pairs = 0;  // pairs of the visited tiles, at their real (ragged) size
  Index visited_tiles = 0;
  Index partial_tiles = 0;
  Index min_keys = 0;  // keys per query row
  Index max_keys = 0;
  Index empty_rows = 0;  // query rows with no allowed key (their output is zero)
};

struct LayoutStats {
  std::vector<HeadStats> heads;  // one per head of the problem (shared layouts repeated)
  Index total_tiles = 0;         // q_tiles * kv_tiles of one head

  Index allowed_pairs() const;   // summed over heads
  Index executed_pairs() const;  // summed over heads
  Index visited_tiles() const;   // summed over heads
  Index empty_rows() const;      // summed over heads
};

// Keys allowed to each query row of one head.
std::vector<Index> row_key_counts(const BlockLayout& layout, int head);

LayoutStats compute_stats(const BlockLayout& layout, int heads);

// The pairs with key <= query position over all heads when every allowed pair is one of them
// (a causal mask), else 0: the denominator of "density of causal pairs".
Index causal_pairs(const BlockLayout& layout, int heads, Index q_offset);

}  // namespace attnbench
