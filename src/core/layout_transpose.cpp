#include "core/layout_transpose.hpp"

#include "core/layout.hpp"

namespace attnbench {

LayoutTranspose transpose_layout(const BlockLayout& layout) {
  LayoutTranspose t;
  const std::int64_t columns = layout.layout_heads * layout.kv_tiles;
  t.column_start.assign(static_cast<std::size_t>(columns + 1), 0);
  auto column_of = [&](std::int64_t row, const LayoutTile& tile) {
    return (row / layout.q_tiles) * layout.kv_tiles + tile.kv_tile;
  };
  const std::int64_t rows = layout.layout_heads * layout.q_tiles;
  for (std::int64_t row = 0; row < rows; ++row) {
    for (std::int64_t i = layout.row_start[row]; i < layout.row_start[row + 1]; ++i) {
      t.column_start[static_cast<std::size_t>(column_of(row, layout.tiles[i]) + 1)] += 1;
    }
  }
  for (std::int64_t c = 0; c < columns; ++c) t.column_start[c + 1] += t.column_start[c];
  t.entries.resize(layout.tiles.size());
  // Rows are visited in order, so each column's query tiles come out ascending.
  std::vector<std::int64_t> next(t.column_start.begin(), t.column_start.end() - 1);
  for (std::int64_t row = 0; row < rows; ++row) {
    for (std::int64_t i = layout.row_start[row]; i < layout.row_start[row + 1]; ++i) {
      const std::int64_t column = column_of(row, layout.tiles[i]);
      t.entries[static_cast<std::size_t>(next[column]++)] =
          TransposedTile{static_cast<std::int32_t>(row % layout.q_tiles), i};
    }
  }
  return t;
}

}  // namespace attnbench
