// The block layout: the plain data between a pattern and an executor. For each (layout head,
// query tile) a list of key tiles to visit, each full (no element test) or partial (with its
// element mask). Empty tiles are not stored, so memory is proportional to the visited tiles.
#pragma once

#include <algorithm>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/layout_transpose.hpp"
#include "core/pattern.hpp"

namespace attnbench {

struct LayoutShape {
  Index q_len = 0;
  Index kv_len = 0;
  Index block_q = 64;
  Index block_kv = 64;
};

struct LayoutTile {
  std::int32_t kv_tile = 0;
  TileKind kind = TileKind::kFull;
  std::int64_t mask_offset = -1;  // into BlockLayout::masks, partial tiles only
};

class BlockLayout {
 public:
  LayoutShape shape;
  int layout_heads = 1;  // 1 when every head shares the mask
  Index q_tiles = 0;
  Index kv_tiles = 0;
  std::vector<std::int64_t> row_start;  // layout_heads * q_tiles + 1 offsets into `tiles`
  std::vector<LayoutTile> tiles;
  // Partial-tile masks, block_q x block_kv bytes each (row-major, row stride block_kv; rows and
  // columns past a ragged edge are 0).
  std::vector<std::uint8_t> masks;
  // Built only for cases that compute gradients (add_transpose); empty otherwise.
  LayoutTranspose transpose;

  int layout_head(int head) const { return layout_heads == 1 ? 0 : head; }
  std::span<const LayoutTile> row(int head, Index q_tile) const;
  const std::uint8_t* mask(const LayoutTile& tile) const { return masks.data() + tile.mask_offset; }
  // The real (ragged-aware) height of a query tile and width of a key tile; inline, because the
  // statistics ask for them per tile row.
  Index q_tile_rows(Index q_tile) const {
    return std::min(shape.block_q, shape.q_len - q_tile * shape.block_q);
  }
  Index kv_tile_cols(Index kv_tile) const {
    return std::min(shape.block_kv, shape.kv_len - kv_tile * shape.block_kv);
  }
  std::size_t bytes() const;  // the layout's own memory, its transpose included
  std::span<const TransposedTile> column(int head, Index kv_tile) const;  // needs the transpose
};

// Builds the layout of `pattern` for `shape`, on `threads` threads (the build is timed as
// layout_ms). Uses the pattern's candidate ranges and classifier where it has them and scans the
// predicate elsewhere.
BlockLayout build_layout(const Pattern& pattern, const LayoutShape& shape, int threads);

// Builds the layout's transpose in place (the backward pass needs it).
void add_transpose(BlockLayout& layout);

// Compares the layout with a scan of the predicate on `sample_rows` query tiles spread over the
// sequence (each head's, at most 64 candidate key tiles a row); a description of the first
// disagreement, or nothing. It catches a tile classifier that lies without an O(n^2) scan.
std::optional<std::string> check_layout_sample(const Pattern& pattern, const BlockLayout& layout,
                                               int sample_rows);

// Fills an n-rows x kv_len element mask of one head from the layout (for exports and tests).
std::vector<std::uint8_t> expand_layout(const BlockLayout& layout, int head);

}  // namespace attnbench
