#include "core/layout_stats.hpp"

#include <algorithm>

namespace attnbench {

std::vector<Index> row_key_counts(const BlockLayout& layout, int head) {
  const LayoutShape& shape = layout.shape;
  std::vector<Index> counts(static_cast<std::size_t>(shape.q_len), 0);
  for (Index qt = 0; qt < layout.q_tiles; ++qt) {
    const Index rows = layout.q_tile_rows(qt);
    for (const LayoutTile& tile : layout.row(head, qt)) {
      const Index cols = layout.kv_tile_cols(tile.kv_tile);
      for (Index r = 0; r < rows; ++r) {
        Index allowed = cols;
        if (tile.kind == TileKind::kPartial) {
          const std::uint8_t* bits = layout.mask(tile) + r * shape.block_kv;
          allowed = std::count(bits, bits + cols, std::uint8_t{1});
        }
        counts[static_cast<std::size_t>(qt * shape.block_q + r)] += allowed;
      }
    }
  }
  return counts;
}

namespace {

HeadStats head_stats(const BlockLayout& layout, int head) {
  HeadStats stats;
  for (Index qt = 0; qt < layout.q_tiles; ++qt) {
    for (const LayoutTile& tile : layout.row(head, qt)) {
      ++stats.visited_tiles;
      if (tile.kind == TileKind::kPartial) ++stats.partial_tiles;
      stats.executed_pairs += layout.q_tile_rows(qt) * layout.kv_tile_cols(tile.kv_tile);
    }
  }
  const std::vector<Index> counts = row_key_counts(layout, head);
  for (Index c : counts) {
    stats.allowed_pairs += c;
    if (c == 0) ++stats.empty_rows;
  }
  if (!counts.empty()) {
    auto [lo, hi] = std::minmax_element(counts.begin(), counts.end());
    stats.min_keys = *lo;
    stats.max_keys = *hi;
  }
  return stats;
}

template <typename Field>
Index sum_over(const std::vector<HeadStats>& heads, Field field) {
  Index total = 0;
  for (const HeadStats& h : heads) total += h.*field;
  return total;
}

}  // namespace

Index LayoutStats::allowed_pairs() const { return sum_over(heads, &HeadStats::allowed_pairs); }
Index LayoutStats::executed_pairs() const { return sum_over(heads, &HeadStats::executed_pairs); }
Index LayoutStats::visited_tiles() const { return sum_over(heads, &HeadStats::visited_tiles); }
Index LayoutStats::empty_rows() const { return sum_over(heads, &HeadStats::empty_rows); }

Index causal_pairs(const BlockLayout& layout, int heads, Index q_offset) {
  const LayoutShape& s = layout.shape;
  for (int h = 0; h < layout.layout_heads; ++h) {
    for (Index qt = 0; qt < layout.q_tiles; ++qt) {
      const Index first_position = qt * s.block_q + q_offset;
      for (const LayoutTile& tile : layout.row(h, qt)) {
        const Index first_key = tile.kv_tile * s.block_kv;
        const Index cols = layout.kv_tile_cols(tile.kv_tile);
        if (first_key + cols - 1 <= first_position) continue;  // wholly at or below the diagonal
        for (Index r = 0; r < layout.q_tile_rows(qt); ++r) {
          for (Index c = std::max<Index>(0, first_position + r + 1 - first_key); c < cols; ++c) {
            if (tile.kind == TileKind::kFull || layout.mask(tile)[r * s.block_kv + c]) return 0;
          }
        }
      }
    }
  }
  Index pairs = 0;
  for (Index r = 0; r < s.q_len; ++r) pairs += std::clamp<Index>(r + q_offset + 1, 0, s.kv_len);
  return pairs * heads;
}

LayoutStats compute_stats(const BlockLayout& layout, int heads) {
  LayoutStats stats;
  stats.total_tiles = layout.q_tiles * layout.kv_tiles;
  std::vector<HeadStats> per_layout_head;
  for (int h = 0; h < layout.layout_heads; ++h) per_layout_head.push_back(head_stats(layout, h));
  for (int h = 0; h < heads; ++h) stats.heads.push_back(per_layout_head[layout.layout_head(h)]);
  return stats;
}

}  // namespace attnbench
