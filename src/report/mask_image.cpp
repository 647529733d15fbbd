#include "report/mask_image.hpp"

#include <algorithm>

namespace attnbench {

namespace {

// Raises cells to a state; a cell keeps the highest state among its pairs.
class CellStates {
 public:
  explicit CellStates(MaskGrid& grid) : grid_(grid) {}
  void raise(Index row, Index col, std::uint8_t state) {
    std::uint8_t& s = cell(row / grid_.tokens, col / grid_.tokens);
    s = std::max(s, state);
  }
  void raise_block(Index row0, Index row1, Index col0, Index col1, std::uint8_t state) {
    for (Index y = row0 / grid_.tokens; y <= (row1 - 1) / grid_.tokens; ++y) {
      for (Index x = col0 / grid_.tokens; x <= (col1 - 1) / grid_.tokens; ++x) {
        std::uint8_t& s = cell(y, x);
        s = std::max(s, state);
      }
    }
  }

 private:
  std::uint8_t& cell(Index y, Index x) {
    return grid_.states[static_cast<std::size_t>(y * grid_.cols + x)];
  }
  MaskGrid& grid_;
};

}  // namespace

MaskGrid mask_grid(const BlockLayout& layout, int head, Index tokens_per_cell) {
  const LayoutShape& s = layout.shape;
  MaskGrid grid;
  grid.tokens = std::max<Index>(1, tokens_per_cell);
  grid.cols = static_cast<int>((s.kv_len + grid.tokens - 1) / grid.tokens);
  grid.rows = static_cast<int>((s.q_len + grid.tokens - 1) / grid.tokens);
  grid.states.assign(static_cast<std::size_t>(grid.cols) * static_cast<std::size_t>(grid.rows),
                     kCellMasked);
  CellStates cells(grid);
  for (Index qt = 0; qt < layout.q_tiles; ++qt) {
    const Index row0 = qt * s.block_q, rows = layout.q_tile_rows(qt);
    for (const LayoutTile& tile : layout.row(head, qt)) {
      const Index col0 = tile.kv_tile * s.block_kv, cols = layout.kv_tile_cols(tile.kv_tile);
      if (tile.kind == TileKind::kFull) {
        cells.raise_block(row0, row0 + rows, col0, col0 + cols, kCellAllowed);
        grid.allowed_pairs += rows * cols;
        continue;
      }
      const std::uint8_t* bits = layout.mask(tile);
      for (Index r = 0; r < rows; ++r) {
        for (Index c = 0; c < cols; ++c) {
          const bool allowed = bits[r * s.block_kv + c] != 0;
          grid.allowed_pairs += allowed;
          cells.raise(row0 + r, col0 + c, allowed ? kCellAllowed : kCellComputed);
        }
      }
    }
  }
  return grid;
}

CellSize cell_size(Index length, PictureScale scale) {
  if (scale.scale > 0) return {1, scale.scale};
  // At most size/2 cells across from 256 px up, so that every cell is at least 2 px wide.
  // Tokens per cell are a power of two, so that cells fall on the tiles' and the lengths' usual
  // boundaries.
  const Index cells_max = scale.size >= 256 ? scale.size / 2 : std::max(scale.size, 1);
  Index tokens = 1;
  while (tokens * cells_max < length) tokens *= 2;
  const Index cells = (length + tokens - 1) / tokens;
  return {tokens, static_cast<int>(std::max<Index>(1, scale.size / cells))};
}

}  // namespace attnbench
