#include "core/layout_bound.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace attnbench {

namespace {

Index ceil_div(Index a, Index b) { return (a + b - 1) / b; }

}  // namespace

LayoutBound bound_layout(const Pattern& pattern, const LayoutShape& shape, std::int64_t budget) {
  const Index q_tiles = ceil_div(shape.q_len, shape.block_q);
  const Index kv_tiles = ceil_div(shape.kv_len, shape.block_kv);
  const int heads = pattern.varies_by_head() ? pattern.geometry().heads : 1;
  const std::int64_t mask_bytes = shape.block_q * shape.block_kv;
  LayoutBound bound;
  bound.bytes = (heads * q_tiles + 1) * static_cast<std::int64_t>(sizeof(std::int64_t));
  for (int h = 0; h < heads && !bound.stopped; ++h) {
    for (Index qt = 0; qt < q_tiles; ++qt) {
      const Index q_begin = qt * shape.block_q + pattern.geometry().q_offset;
      const Index q_end =
          std::min(q_begin + shape.block_q, shape.q_len + pattern.geometry().q_offset);
      Index row_tiles = 0, edges = 0;
      for (const KeyRange& range : pattern.candidate_keys(h, q_begin, q_end)) {
        const Index begin = std::clamp<Index>(range.begin, 0, shape.kv_len) / shape.block_kv;
        const Index end =
            std::min(ceil_div(std::max<Index>(range.end, 0), shape.block_kv), kv_tiles);
        row_tiles += std::max<Index>(end - begin, 0);
        edges += std::min<Index>(std::max<Index>(end - begin, 0), 2);
      }
      row_tiles = std::min(row_tiles, kv_tiles);  // ranges may share an edge tile
      bound.tiles += row_tiles;
      bound.bytes += row_tiles * static_cast<std::int64_t>(sizeof(LayoutTile)) +
                     std::min(edges, row_tiles) * mask_bytes;
      if (bound.bytes > budget) {
        bound.stopped = true;
        break;
      }
    }
  }
  return bound;
}

MemoryNeed::MemoryNeed(const std::string& what, std::int64_t needed, std::int64_t budget,
                       bool at_least)
    : std::runtime_error(fmt::format("{} needs {}{}, more than the {} it may use", what,
                                     at_least ? "at least " : "", format_bytes(needed),
                                     format_bytes(budget))),
      needed_(needed),
      budget_(budget) {}

std::string format_bytes(std::int64_t bytes) {
  const double b = static_cast<double>(bytes);
  if (bytes >= (std::int64_t{1} << 30)) return fmt::format("{:.3g} GiB", b / (1 << 30));
  if (bytes >= (std::int64_t{1} << 20)) return fmt::format("{:.3g} MiB", b / (1 << 20));
  if (bytes >= (std::int64_t{1} << 10)) return fmt::format("{:.3g} KiB", b / (1 << 10));
  return fmt::format("{} bytes", bytes);
}

}  // namespace attnbench
