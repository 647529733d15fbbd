// The two builders behind build_layout (layout.cpp), which picks one by the pattern's kind. Both
// give the same bytes for an IntervalPattern (tests/layout_paths_test.cpp compares them): a key
// tile is stored when some pair of it is allowed, full when all are; each chunk of
// kRowsPerChunk consecutive (layout head, query tile) rows stores each distinct partial mask
// once, remembering the last kMasksPerChunk it stored, and rows store masks in row order.
#pragma once

#include <cstdint>
#include <vector>

#include "core/interval_pattern.hpp"
#include "core/layout.hpp"

namespace attnbench {

// Rows are built in chunks of consecutive rows, each chunk by one thread in order (the masks
// a chunk shares then do not depend on the schedule).
constexpr std::int64_t kRowsPerChunk = 16;
constexpr std::size_t kMasksPerChunk = 8;

// A layout with its shape, heads and tile counts set, and no rows.
BlockLayout empty_layout(const Pattern& pattern, const LayoutShape& shape);

// Any pattern: the candidate key ranges, the classifier, and a scan of fill_row (for an
// IntervalPattern, of its rows' intervals) where the classifier does not know.
void fill_layout_generic(const Pattern& pattern, BlockLayout& layout, int threads);

// An IntervalPattern: every key tile told from the rows' intervals, read once per query tile
// (interval_layout.cpp).
void fill_layout_by_intervals(const IntervalPattern& pattern, BlockLayout& layout, int threads);

// The key tiles touched by the pattern's candidate ranges for `rows`, sorted and unique.
std::vector<std::int32_t> candidate_tiles(const Pattern& pattern, int head, const TileRect& rows,
                                          Index block_kv, Index kv_tiles);

}  // namespace attnbench
