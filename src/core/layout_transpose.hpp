// The layout seen from the keys: for each (layout head, key tile), the query tiles that visit it,
// in ascending order, each with the index of its LayoutTile (for the kind and the element mask).
// The backward pass accumulates dK and dV per key tile and walks these lists; they are built with
// the layout (their time in layout_ms, their bytes in BlockLayout::bytes()) and only when a case
// computes gradients.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

namespace attnbench {

class BlockLayout;

struct TransposedTile {
  std::int32_t q_tile = 0;
  std::int64_t tile = 0;  // index into BlockLayout::tiles
};

struct LayoutTranspose {
  std::vector<std::int64_t> column_start;  // layout_heads * kv_tiles + 1 offsets into `entries`
  std::vector<TransposedTile> entries;

  bool empty() const { return column_start.empty(); }
  std::size_t bytes() const {
    return column_start.size() * sizeof(std::int64_t) + entries.size() * sizeof(TransposedTile);
  }
};

// The transpose of `layout` (a counting sort of its tiles by key tile; O(tiles)).
LayoutTranspose transpose_layout(const BlockLayout& layout);

}  // namespace attnbench
