#include "core/layout.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstring>

#include "core/index.hpp"
#include "core/layout_build.hpp"

namespace attnbench {

std::span<const LayoutTile> BlockLayout::row(int head, Index q_tile) const {
  const Index index = layout_head(head) * q_tiles + q_tile;
  return {tiles.data() + row_start[to_size(index)], tiles.data() + row_start[to_size(index + 1)]};
}

std::size_t BlockLayout::bytes() const {
  return row_start.size() * sizeof(row_start[0]) + tiles.size() * sizeof(LayoutTile) +
         masks.size() + transpose.bytes();
}

std::span<const TransposedTile> BlockLayout::column(int head, Index kv_tile) const {
  const Index index = layout_head(head) * kv_tiles + kv_tile;
  return {transpose.entries.data() + transpose.column_start[to_size(index)],
          transpose.entries.data() + transpose.column_start[to_size(index + 1)]};
}

void add_transpose(BlockLayout& layout) { layout.transpose = transpose_layout(layout); }

BlockLayout build_layout(const Pattern& pattern, const LayoutShape& shape, int threads) {
  BlockLayout layout = empty_layout(pattern, shape);
  if (const auto* intervals = dynamic_cast<const IntervalPattern*>(&pattern)) {
    fill_layout_by_intervals(*intervals, layout, threads);
  } else {
    fill_layout_generic(pattern, layout, threads);
  }
  return layout;
}

std::optional<std::string> check_layout_sample(const Pattern& pattern, const BlockLayout& layout,
                                               int sample_rows) {
  const LayoutShape& s = layout.shape;
  const Index offset = pattern.geometry().q_offset;
  std::vector<std::uint8_t> expected(static_cast<std::size_t>(s.block_kv));
  for (int h = 0; h < layout.layout_heads; ++h) {
    for (int i = 0; i < sample_rows; ++i) {
      const Index qt = sample_rows == 1 ? 0 : i * (layout.q_tiles - 1) / (sample_rows - 1);
      const TileRect rows{qt * s.block_q + offset, qt * s.block_q + layout.q_tile_rows(qt) + offset,
                          0, 0};
      const std::vector<std::int32_t> tiles =
          candidate_tiles(pattern, h, rows, s.block_kv, layout.kv_tiles);
      const auto row = layout.row(h, qt);
      for (std::size_t t = 0; t < tiles.size() && t < 64; ++t) {
        const auto in_layout = std::find_if(
            row.begin(), row.end(), [&](const LayoutTile& x) { return x.kv_tile == tiles[t]; });
        const Index k0 = tiles[t] * s.block_kv, cols = layout.kv_tile_cols(tiles[t]);
        for (Index r = 0; r < layout.q_tile_rows(qt); ++r) {
          pattern.fill_row(h, rows.q_begin + r, k0, k0 + cols, expected.data());
          for (Index c = 0; c < cols; ++c) {
            const bool stored =
                in_layout != row.end() &&
                (in_layout->kind == TileKind::kFull || layout.mask(*in_layout)[r * s.block_kv + c]);
            if (stored != (expected[static_cast<std::size_t>(c)] != 0)) {
              return fmt::format(
                  "the layout disagrees with the predicate at head {}, query {}, key {}: the tile "
                  "classifier said {}",
                  h, qt * s.block_q + r, k0 + c,
                  in_layout == row.end()               ? "empty"
                  : in_layout->kind == TileKind::kFull ? "full"
                                                       : "partial");
            }
          }
        }
      }
    }
  }
  return std::nullopt;
}

std::vector<std::uint8_t> expand_layout(const BlockLayout& layout, int head) {
  const LayoutShape& shape = layout.shape;
  std::vector<std::uint8_t> mask(static_cast<std::size_t>(shape.q_len * shape.kv_len), 0);
  for (Index qt = 0; qt < layout.q_tiles; ++qt) {
    for (const LayoutTile& tile : layout.row(head, qt)) {
      for (Index r = 0; r < layout.q_tile_rows(qt); ++r) {
        std::uint8_t* out =
            mask.data() + (qt * shape.block_q + r) * shape.kv_len + tile.kv_tile * shape.block_kv;
        const Index cols = layout.kv_tile_cols(tile.kv_tile);
        if (tile.kind == TileKind::kFull) {
          std::memset(out, 1, static_cast<std::size_t>(cols));
        } else {
          std::memcpy(out, layout.mask(tile) + r * shape.block_kv, static_cast<std::size_t>(cols));
        }
      }
    }
  }
  return mask;
}

}  // namespace attnbench
