#include "core/layout_stats.hpp"

#include <algorithm>
#include <array>

#include "core/index.hpp"

namespace attnbench {

namespace {

// Each stored partial mask's rows counted once, on first use: tiles share masks (the 1M-token
// causal window's layout has 32K partial tiles and 2K stored masks). A mask's bytes past a
// ragged edge are 0, so whole rows are counted. A mask that does not start at a multiple of
// block_q x block_kv (no builder makes one) is counted where it is, every time.
class MaskRowCounts {
 public:
  explicit MaskRowCounts(const BlockLayout& layout)
      : layout_(layout),
        mask_size_(layout.shape.block_q * layout.shape.block_kv),
        counted_(layout.masks.size() / static_cast<std::size_t>(mask_size_), false),
        counts_(counted_.size() * static_cast<std::size_t>(layout.shape.block_q)),
        scratch_(static_cast<std::size_t>(layout.shape.block_q)) {}

  // The allowed keys of each of the tile's block_q mask rows.
  const Index* rows(const LayoutTile& tile) {
    const auto index = static_cast<std::size_t>(tile.mask_offset / mask_size_);
    const bool stored = tile.mask_offset % mask_size_ == 0 && index < counted_.size();
    Index* out = stored ? counts_.data() + index * scratch_.size() : scratch_.data();
    if (stored && counted_[index]) return out;
    const Index block_kv = layout_.shape.block_kv;
    const std::uint8_t* bits = layout_.mask(tile);
    for (Index r = 0; r < layout_.shape.block_q; ++r) {
      out[r] = std::count(bits + r * block_kv, bits + (r + 1) * block_kv, std::uint8_t{1});
    }
    if (stored) counted_[index] = true;
    return out;
  }

 private:
  const BlockLayout& layout_;
  Index mask_size_;
  std::vector<bool> counted_;
  std::vector<Index> counts_, scratch_;
};

}  // namespace

std::vector<Index> row_key_counts(const BlockLayout& layout, int head) {
  const LayoutShape& shape = layout.shape;
  std::vector<Index> counts(static_cast<std::size_t>(shape.q_len), 0);
  MaskRowCounts masks(layout);
  for (Index qt = 0; qt < layout.q_tiles; ++qt) {
    const Index rows = layout.q_tile_rows(qt);
    Index* out = counts.data() + qt * shape.block_q;
    for (const LayoutTile& tile : layout.row(head, qt)) {
      if (tile.kind == TileKind::kFull) {
        const Index cols = layout.kv_tile_cols(tile.kv_tile);
        for (Index r = 0; r < rows; ++r) out[r] += cols;
        continue;
      }
      const Index* allowed = masks.rows(tile);
      for (Index r = 0; r < rows; ++r) out[r] += allowed[r];
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

namespace {

// A partial tile crossing the diagonal, as far as the causal test is concerned: its mask, where
// the diagonal crosses it, and its real size.
struct DiagonalCheck {
  std::int64_t mask_offset;
  Index shift, rows, cols;
  bool operator==(const DiagonalCheck&) const = default;
};

// Whether any pair of the tile lies after its query (key > query position).
bool above_diagonal(const BlockLayout& layout, const LayoutTile& tile, const DiagonalCheck& at) {
  for (Index r = 0; r < at.rows; ++r) {
    for (Index c = std::max<Index>(0, at.shift + r + 1); c < at.cols; ++c) {
      if (tile.kind == TileKind::kFull || layout.mask(tile)[r * layout.shape.block_kv + c]) {
        return true;
      }
    }
  }
  return false;
}

}  // namespace

Index causal_pairs(const BlockLayout& layout, int heads, Index q_offset) {
  const LayoutShape& s = layout.shape;
  // The last checks that found nothing above the diagonal: tiles share masks, so along a
  // diagonal the same few repeat (a 1M-token window: 16K diagonal tiles, 2K stored masks).
  std::array<DiagonalCheck, 8> clean{};
  std::size_t next = 0;
  for (int h = 0; h < layout.layout_heads; ++h) {
    for (Index qt = 0; qt < layout.q_tiles; ++qt) {
      const Index first_position = qt * s.block_q + q_offset;
      for (const LayoutTile& tile : layout.row(h, qt)) {
        const Index first_key = tile.kv_tile * s.block_kv;
        const Index cols = layout.kv_tile_cols(tile.kv_tile);
        if (first_key + cols - 1 <= first_position) continue;  // wholly at or below the diagonal
        if (tile.kind == TileKind::kFull) return 0;            // it holds a pair above the diagonal
        const DiagonalCheck at{tile.mask_offset, first_position - first_key, layout.q_tile_rows(qt),
                               cols};
        if (std::find(clean.begin(), clean.end(), at) != clean.end()) continue;
        if (above_diagonal(layout, tile, at)) return 0;
        clean[next++ % clean.size()] = at;
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
  for (int h = 0; h < heads; ++h)
    stats.heads.push_back(per_layout_head[to_size(layout.layout_head(h))]);
  return stats;
}

}  // namespace attnbench
