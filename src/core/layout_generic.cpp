// The generic layout builder, for any pattern: per (layout head, query tile), the key tiles of
// the pattern's candidate ranges, classified where the pattern can and scanned where it cannot
// (through fill_row, or through TileRows' intervals for an IntervalPattern). build_layout takes
// interval_layout.cpp's path for IntervalPatterns; this one stays their reference in the tests.
#include <algorithm>
#include <cstring>
#include <exception>

#include "core/index.hpp"
#include "core/layout_build.hpp"
#include "core/tile_rows.hpp"

namespace attnbench {

namespace {

Index ceil_div(Index a, Index b) { return (a + b - 1) / b; }

}  // namespace

std::vector<std::int32_t> candidate_tiles(const Pattern& pattern, int head, const TileRect& rows,
                                          Index block_kv, Index kv_tiles) {
  std::vector<std::int32_t> result;
  for (const KeyRange& range : pattern.candidate_keys(head, rows.q_begin, rows.q_end)) {
    const Index begin = std::max<Index>(range.begin, 0) / block_kv;
    const Index end = std::min(ceil_div(std::max<Index>(range.end, 0), block_kv), kv_tiles);
    for (Index t = begin; t < end; ++t) {
      if (result.empty() || result.back() < t) result.push_back(static_cast<std::int32_t>(t));
    }
  }
  return result;
}

namespace {

// A partial tile whose mask another row of the chunk already stored.
struct MaskReference {
  std::size_t tile;  // index into the row's tiles
  std::int64_t row;  // the row that stores the mask
  std::int64_t offset;
};

// One query tile's row of the layout, built on its own so that rows build in parallel.
struct RowBuild {
  std::vector<LayoutTile> tiles;
  std::vector<std::uint8_t> masks;  // the masks this row stores
  std::vector<MaskReference> shared;
};

// The distinct partial masks seen in the current chunk. Most patterns repeat the same few masks
// along the diagonal (a window has two), so storing each once per chunk cuts the layout's memory
// and the page faults of building it about 16-fold. Deterministic: a chunk's rows are always
// the same and built in order.
class ChunkMasks {
 public:
  struct Entry {
    std::uint64_t hash;
    std::vector<std::uint8_t> bytes;
    std::int64_t row, offset;
  };

  void reset() { entries_.clear(); }

  const Entry* find(std::uint64_t hash, const std::vector<std::uint8_t>& mask) const {
    for (const Entry& e : entries_) {
      if (e.hash == hash && e.bytes == mask) return &e;
    }
    return nullptr;
  }

  void remember(std::uint64_t hash, const std::vector<std::uint8_t>& mask, std::int64_t row,
                std::int64_t offset) {
    if (entries_.size() == kMaxEntries) entries_.erase(entries_.begin());
    entries_.push_back({hash, mask, row, offset});
  }

 private:
  static constexpr std::size_t kMaxEntries = kMasksPerChunk;
  std::vector<Entry> entries_;
};

std::uint64_t hash_bytes(const std::vector<std::uint8_t>& bytes) {
  std::uint64_t hash = 14695981039346656037ull;  // FNV-1a over 8-byte words
  const std::size_t words = bytes.size() / 8;
  for (std::size_t i = 0; i < words; ++i) {
    std::uint64_t word;
    std::memcpy(&word, bytes.data() + i * 8, 8);
    hash = (hash ^ word) * 1099511628211ull;
  }
  for (std::size_t i = words * 8; i < bytes.size(); ++i)
    hash = (hash ^ bytes[i]) * 1099511628211ull;
  return hash;
}

// Fills `mask` (block_q x block_kv) for the tile and returns its kind from the count.
TileKind scan_tile(const Pattern& pattern, int head, const TileRect& tile, Index block_kv,
                   std::uint8_t* mask) {
  Index allowed = 0;
  for (Index q = tile.q_begin; q < tile.q_end; ++q) {
    std::uint8_t* out = mask + (q - tile.q_begin) * block_kv;
    pattern.fill_row(head, q, tile.k_begin, tile.k_end, out);
    for (Index k = 0; k < tile.k_end - tile.k_begin; ++k) allowed += out[k];
  }
  const Index area = (tile.q_end - tile.q_begin) * (tile.k_end - tile.k_begin);
  if (allowed == 0) return TileKind::kEmpty;
  return allowed == area ? TileKind::kFull : TileKind::kPartial;
}

// Stores the tile's mask in `row` (written by `write`, into zeroed bytes), or refers to the
// chunk's copy of the mask with the same `key`: the mask itself, or a TileRows signature.
template <class WriteMask>
void add_partial(RowBuild& row, std::int64_t row_index, std::int32_t kv_tile,
                 const std::vector<std::uint8_t>& key, std::size_t mask_size, ChunkMasks& chunk,
                 const WriteMask& write) {
  const std::uint64_t hash = hash_bytes(key);
  if (const ChunkMasks::Entry* same = chunk.find(hash, key)) {
    row.shared.push_back({row.tiles.size(), same->row, same->offset});
    row.tiles.push_back({kv_tile, TileKind::kPartial, -1});
    return;
  }
  const auto offset = static_cast<std::int64_t>(row.masks.size());
  chunk.remember(hash, key, row_index, offset);
  row.tiles.push_back({kv_tile, TileKind::kPartial, offset});
  row.masks.resize(row.masks.size() + mask_size, 0);
  write(row.masks.data() + offset);
}

// A tile the classifier left open, by the pattern's intervals: counted from them, and its mask
// written only when the chunk has not stored the same one.
void add_by_intervals(RowBuild& row, std::int64_t row_index, std::int32_t kv_tile,
                      const TileRect& rect, const TileRows& rows, Index block_kv,
                      std::size_t mask_size, ChunkMasks& chunk) {
  thread_local std::vector<std::uint8_t> signature;
  const Index allowed = rows.describe(rect.k_begin, rect.k_end, signature);
  const Index area = (rect.q_end - rect.q_begin) * (rect.k_end - rect.k_begin);
  if (allowed == 0) return;
  if (allowed == area) {
    row.tiles.push_back({kv_tile, TileKind::kFull, -1});
    return;
  }
  add_partial(row, row_index, kv_tile, signature, mask_size, chunk,
              [&](std::uint8_t* mask) { rows.fill(rect.k_begin, rect.k_end, block_kv, mask); });
}

// A tile the classifier left open, by scanning the pattern's predicate row by row.
void add_by_scan(RowBuild& row, std::int64_t row_index, std::int32_t kv_tile, const TileRect& rect,
                 const Pattern& pattern, int head, const LayoutShape& shape, ChunkMasks& chunk) {
  const std::size_t mask_size = static_cast<std::size_t>(shape.block_q * shape.block_kv);
  // One scratch tile per thread: a million-token layout builds 16K rows.
  thread_local std::vector<std::uint8_t> scratch;
  scratch.resize(mask_size);
  const bool ragged =
      rect.k_end - rect.k_begin < shape.block_kv || rect.q_end - rect.q_begin < shape.block_q;
  if (ragged) std::fill(scratch.begin(), scratch.end(), 0);  // bytes past the edge stay 0
  const TileKind scanned = scan_tile(pattern, head, rect, shape.block_kv, scratch.data());
  if (scanned == TileKind::kEmpty) return;
  if (scanned == TileKind::kFull) {
    row.tiles.push_back({kv_tile, TileKind::kFull, -1});
    return;
  }
  add_partial(row, row_index, kv_tile, scratch, mask_size, chunk,
              [&](std::uint8_t* mask) { std::memcpy(mask, scratch.data(), mask_size); });
}

RowBuild build_row(const Pattern& pattern, int head, Index q_tile, const BlockLayout& layout,
                   std::int64_t row_index, ChunkMasks& chunk) {
  const LayoutShape& shape = layout.shape;
  const Index offset = pattern.geometry().q_offset;
  const Index row_begin = q_tile * shape.block_q;
  TileRect rect{row_begin + offset, row_begin + layout.q_tile_rows(q_tile) + offset, 0, 0};
  const std::size_t mask_size = static_cast<std::size_t>(shape.block_q * shape.block_kv);
  const auto* intervals = dynamic_cast<const IntervalPattern*>(&pattern);
  thread_local TileRows rows;
  bool rows_loaded = false;
  RowBuild row;
  for (std::int32_t t : candidate_tiles(pattern, head, rect, shape.block_kv, layout.kv_tiles)) {
    rect.k_begin = t * shape.block_kv;
    rect.k_end = rect.k_begin + layout.kv_tile_cols(t);
    std::optional<TileKind> kind = pattern.classify(head, rect);
    if (kind == TileKind::kEmpty) continue;
    if (kind == TileKind::kFull) {
      row.tiles.push_back({t, TileKind::kFull, -1});
      continue;
    }
    if (intervals == nullptr) {
      add_by_scan(row, row_index, t, rect, pattern, head, shape, chunk);
      continue;
    }
    if (!rows_loaded) rows.load(*intervals, head, rect.q_begin, rect.q_end);
    rows_loaded = true;
    add_by_intervals(row, row_index, t, rect, rows, shape.block_kv, mask_size, chunk);
  }
  return row;
}

// Concatenates the rows into the CSR arrays, moving mask offsets to their global place.
void assemble(std::vector<RowBuild>& rows, BlockLayout& layout) {
  layout.row_start.assign(rows.size() + 1, 0);
  std::vector<std::int64_t> mask_start(rows.size() + 1, 0);
  for (std::size_t r = 0; r < rows.size(); ++r) {
    layout.row_start[r + 1] = layout.row_start[r] + static_cast<std::int64_t>(rows[r].tiles.size());
    mask_start[r + 1] = mask_start[r] + static_cast<std::int64_t>(rows[r].masks.size());
  }
  layout.tiles.resize(static_cast<std::size_t>(layout.row_start.back()));
  layout.masks.resize(static_cast<std::size_t>(mask_start.back()));
  const std::size_t count = rows.size();
#pragma omp parallel for schedule(static)
  for (std::size_t r = 0; r < count; ++r) {
    RowBuild& row = rows[r];
    LayoutTile* out = layout.tiles.data() + layout.row_start[r];
    for (LayoutTile tile : row.tiles) {
      if (tile.mask_offset >= 0) tile.mask_offset += mask_start[r];
      *out++ = tile;
    }
    out = layout.tiles.data() + layout.row_start[r];
    for (const MaskReference& ref : row.shared)
      out[ref.tile].mask_offset = mask_start[to_size(ref.row)] + ref.offset;
    if (!row.masks.empty()) {
      std::memcpy(layout.masks.data() + mask_start[r], row.masks.data(), row.masks.size());
    }
    row = RowBuild{};
  }
}

}  // namespace

BlockLayout empty_layout(const Pattern& pattern, const LayoutShape& shape) {
  BlockLayout layout;
  layout.shape = shape;
  layout.layout_heads = pattern.varies_by_head() ? pattern.geometry().heads : 1;
  layout.q_tiles = ceil_div(shape.q_len, shape.block_q);
  layout.kv_tiles = ceil_div(shape.kv_len, shape.block_kv);
  return layout;
}

void fill_layout_generic(const Pattern& pattern, BlockLayout& layout, int threads) {
  const std::int64_t total_rows = layout.layout_heads * layout.q_tiles;
  std::vector<RowBuild> rows(static_cast<std::size_t>(total_rows));
  std::exception_ptr error;  // a plugin's exception must not escape the parallel region
#pragma omp parallel for schedule(dynamic, kRowsPerChunk) num_threads(threads)
  for (std::int64_t r = 0; r < total_rows; ++r) {
    try {
      thread_local ChunkMasks chunk;
      if (r % kRowsPerChunk == 0) chunk.reset();
      const int head = static_cast<int>(r / layout.q_tiles);
      rows[static_cast<std::size_t>(r)] =
          build_row(pattern, head, r % layout.q_tiles, layout, r, chunk);
    } catch (...) {
#pragma omp critical
      if (!error) error = std::current_exception();
    }
  }
  if (error) std::rethrow_exception(error);
  assemble(rows, layout);
}

}  // namespace attnbench
