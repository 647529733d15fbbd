#include "core/layout_transpose.hpp"

#include "core/index.hpp"
#include "core/layout.hpp"

namespace attnbench {

LayoutTranspose transpose_layout(const BlockLayout& layout) {
  LayoutTranspose t;
  const std::int64_t columns = layout.layout_heads * layout.kv_tiles;
  t.column_start.assign(to_size(columns + 1), 0);
  // The column (layout head, key tile) of the tile with index i in row `row`.
  auto column_of = [&](std::int64_t row, std::int64_t i) {
    return to_size((row / layout.q_tiles) * layout.kv_tiles + layout.tiles[to_size(i)].kv_tile);
  };
  auto row_begin = [&](std::int64_t row) { return layout.row_start[to_size(row)]; };
  const std::int64_t rows = layout.layout_heads * layout.q_tiles;
  for (std::int64_t row = 0; row < rows; ++row) {
    for (std::int64_t i = row_begin(row); i < row_begin(row + 1); ++i) {
      t.column_start[column_of(row, i) + 1] += 1;
    }
  }
  for (std::size_t c = 1; c < t.column_start.size(); ++c)
    t.column_start[c] += t.column_start[c - 1];
  t.entries.resize(layout.tiles.size());
  // Rows are visited in order, so each column's query tiles come out ascending.
  std::vector<std::int64_t> next(t.column_start.begin(), t.column_start.end() - 1);
  for (std::int64_t row = 0; row < rows; ++row) {
    for (std::int64_t i = row_begin(row); i < row_begin(row + 1); ++i) {
      t.entries[to_size(next[column_of(row, i)]++)] =
          TransposedTile{static_cast<std::int32_t>(row % layout.q_tiles), i};
    }
  }
  return t;
}

}  // namespace attnbench
