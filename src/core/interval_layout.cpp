// The layout of an IntervalPattern, in two passes. First, per chunk of kRowsPerChunk rows (one
// thread per chunk, chunks spread over the threads), each row's intervals are read once
// (IntervalRows), its key tiles told from them, and each new partial mask kept as its signature
// (a few numbers a row, not block_q x block_kv bytes). Then the row offsets and every chunk's
// first mask are known, the layout's arrays are sized once (the masks advised onto huge pages),
// and the chunks' tiles and masks are written straight into their final place. Nothing is
// allocated per row, no mask is copied, and no tile is asked of the pattern's classifier: the
// same bytes as fill_layout_generic, faster (README, "Performance").
#include <algorithm>
#include <array>
#include <cstring>
#include <exception>
#include <optional>

#include "core/huge_pages.hpp"
#include "core/interval_rows.hpp"
#include "core/layout_build.hpp"

namespace attnbench {

namespace {

// The signatures of the last kMasksPerChunk masks a chunk stored, oldest replaced first (as
// fill_layout_generic's ChunkMasks). They are distinct: one is added only when none matched.
class RememberedMasks {
 public:
  void reset() { count_ = 0, oldest_ = 0; }

  std::optional<std::int64_t> find(const std::vector<std::int32_t>& signature) const {
    for (std::size_t i = 0; i < count_; ++i) {
      if (entries_[i].signature == signature) return entries_[i].index;
    }
    return std::nullopt;
  }

  bool holds(std::int64_t index) const {
    for (std::size_t i = 0; i < count_; ++i) {
      if (entries_[i].index == index) return true;
    }
    return false;
  }

  void remember(const std::vector<std::int32_t>& signature, std::int64_t index) {
    Entry* slot = &entries_[oldest_];
    if (count_ < kMasksPerChunk) {
      slot = &entries_[count_++];
    } else {
      oldest_ = (oldest_ + 1) % kMasksPerChunk;
    }
    slot->signature.assign(signature.begin(), signature.end());  // keeps its capacity
    slot->index = index;
  }

 private:
  struct Entry {
    std::vector<std::int32_t> signature;
    std::int64_t index = 0;
  };
  std::array<Entry, kMasksPerChunk> entries_;
  std::size_t count_ = 0, oldest_ = 0;
};

// What the first pass keeps of a chunk: its tiles (a partial tile's mask_offset is the index
// of its mask among the chunk's new masks) and the signatures of its new masks, end to end.
struct ChunkResult {
  std::vector<LayoutTile> tiles;
  std::vector<std::int32_t> signatures;
  std::vector<std::size_t> signature_start;  // one per new mask
};

// One thread's working memory, reused from chunk to chunk.
struct Scratch {
  std::array<IntervalRows, 2> rows;  // row r's in rows[r % 2], the row before's in the other
  std::vector<std::int32_t> signature;
  RememberedMasks remembered;
  std::size_t last_chunk_tiles = 0;
};

// A partial tile's mask index within the chunk: a remembered mask's, or a new one's.
std::int64_t mask_index(Scratch& s, ChunkResult& out) {
  if (const std::optional<std::int64_t> known = s.remembered.find(s.signature)) return *known;
  const auto index = static_cast<std::int64_t>(out.signature_start.size());
  out.signature_start.push_back(out.signatures.size());
  out.signatures.insert(out.signatures.end(), s.signature.begin(), s.signature.end());
  s.remembered.remember(s.signature, index);
  return index;
}

// Appends row r's visited tiles to out.tiles, from its loaded rows of intervals.
void build_row(const BlockLayout& layout, std::int64_t r, Scratch& s, ChunkResult& out) {
  const LayoutShape& shape = layout.shape;
  const Index rows = layout.q_tile_rows(r % layout.q_tiles);
  IntervalRows& intervals = s.rows[static_cast<std::size_t>(r % 2)];
  for (const TileSpan& span : intervals.touched_tiles(shape.block_kv)) {
    for (Index t = span.begin; t < span.end; ++t) {
      const auto tile = static_cast<std::int32_t>(t);
      const Index k_begin = t * shape.block_kv, cols = layout.kv_tile_cols(t);
      if (intervals.surely_full(k_begin, k_begin + cols)) {
        out.tiles.push_back({tile, TileKind::kFull, -1});
        continue;
      }
      const Index allowed = intervals.describe(k_begin, k_begin + cols, s.signature);
      if (allowed == 0) continue;
      if (allowed == rows * cols) {
        out.tiles.push_back({tile, TileKind::kFull, -1});
        continue;
      }
      out.tiles.push_back({tile, TileKind::kPartial, mask_index(s, out)});
    }
  }
}

// Row r as row r - 1 (whose tiles start at out.tiles[previous]) moved block_q keys on, when
// its intervals are exactly that (a window's are, row after row): the same tiles, block_q /
// block_kv further, with the same masks, which build_row would find remembered (all of them
// must still be). Not across heads, nor onto the ragged last key tile (its kinds differ).
bool repeat_previous(const BlockLayout& layout, std::int64_t r, Scratch& s, ChunkResult& out,
                     std::size_t previous) {
  const LayoutShape& shape = layout.shape;
  if (shape.block_q % shape.block_kv != 0 || r % layout.q_tiles == 0) return false;
  const IntervalRows& now = s.rows[static_cast<std::size_t>(r % 2)];
  const IntervalRows& before = s.rows[static_cast<std::size_t>((r - 1) % 2)];
  const Index whole_tile_keys = shape.kv_len / shape.block_kv * shape.block_kv;
  if (!now.shifted_from(before, shape.block_q) || now.last_end() > whole_tile_keys) return false;
  const std::size_t end = out.tiles.size();
  for (std::size_t i = previous; i < end; ++i) {
    const LayoutTile& tile = out.tiles[i];
    if (tile.kind == TileKind::kPartial && !s.remembered.holds(tile.mask_offset)) return false;
  }
  const auto step = static_cast<std::int32_t>(shape.block_q / shape.block_kv);
  for (std::size_t i = previous; i < end; ++i) {
    LayoutTile tile = out.tiles[i];  // a copy: push_back may move the vector
    tile.kv_tile += step;
    out.tiles.push_back(tile);
  }
  return true;
}

// The first pass over one chunk; the tiles of row r are counted into row_tiles[r].
void build_chunk(const IntervalPattern& pattern, const BlockLayout& layout, std::int64_t chunk,
                 Scratch& s, ChunkResult& out, std::vector<std::int64_t>& row_tiles) {
  s.remembered.reset();
  out.tiles.reserve(s.last_chunk_tiles);  // neighbouring chunks are alike: fewer regrowths
  const std::int64_t total_rows = layout.layout_heads * layout.q_tiles;
  const std::int64_t first = chunk * kRowsPerChunk,
                     end = std::min(total_rows, first + kRowsPerChunk);
  std::size_t previous = 0;  // where row r - 1's tiles start in out.tiles
  for (std::int64_t r = first; r < end; ++r) {
    const std::size_t before = out.tiles.size();
    const Index q_tile = r % layout.q_tiles;
    const Index q_begin = q_tile * layout.shape.block_q + pattern.geometry().q_offset;
    s.rows[static_cast<std::size_t>(r % 2)].load(pattern, static_cast<int>(r / layout.q_tiles),
                                                 q_begin, q_begin + layout.q_tile_rows(q_tile));
    if (r == first || !repeat_previous(layout, r, s, out, previous)) build_row(layout, r, s, out);
    row_tiles[static_cast<std::size_t>(r)] = static_cast<std::int64_t>(out.tiles.size() - before);
    previous = before;
  }
  s.last_chunk_tiles = out.tiles.size();
}

// The second pass over one chunk: its tiles and new masks into their final place.
void place_chunk(const ChunkResult& chunk, std::int64_t first_tile, std::int64_t first_mask,
                 BlockLayout& layout) {
  const auto mask_size = static_cast<std::int64_t>(layout.shape.block_q * layout.shape.block_kv);
  LayoutTile* out = layout.tiles.data() + first_tile;
  for (LayoutTile tile : chunk.tiles) {
    if (tile.kind == TileKind::kPartial)
      tile.mask_offset = (first_mask + tile.mask_offset) * mask_size;
    *out++ = tile;
  }
  const std::size_t masks = chunk.signature_start.size();
  for (std::size_t m = 0; m < masks; ++m) {
    const std::size_t begin = chunk.signature_start[m];
    const std::size_t end = m + 1 < masks ? chunk.signature_start[m + 1] : chunk.signatures.size();
    fill_from_signature(
        chunk.signatures.data() + begin, end - begin, layout.shape.block_kv,
        layout.masks.data() + (first_mask + static_cast<std::int64_t>(m)) * mask_size);
  }
}

// Runs `body(i, scratch)` for i in [0, count) on `threads` threads, one index at a time; the
// first exception is rethrown after the loop (a plugin's must not escape the parallel region).
template <class Body>
void parallel_for(std::int64_t count, int threads, const Body& body) {
  std::exception_ptr error;
#pragma omp parallel num_threads(threads)
  {
    Scratch scratch;
#pragma omp for schedule(dynamic, 1)
    for (std::int64_t i = 0; i < count; ++i) {
      try {
        body(i, scratch);
      } catch (...) {
#pragma omp critical
        if (!error) error = std::current_exception();
      }
    }
  }
  if (error) std::rethrow_exception(error);
}

}  // namespace

void fill_layout_by_intervals(const IntervalPattern& pattern, BlockLayout& layout, int threads) {
  const std::int64_t total_rows = layout.layout_heads * layout.q_tiles;
  const std::int64_t chunks = (total_rows + kRowsPerChunk - 1) / kRowsPerChunk;
  std::vector<ChunkResult> results(static_cast<std::size_t>(chunks));
  layout.row_start.assign(static_cast<std::size_t>(total_rows + 1), 0);
  parallel_for(chunks, threads, [&](std::int64_t c, Scratch& s) {
    build_chunk(pattern, layout, c, s, results[static_cast<std::size_t>(c)], layout.row_start);
  });
  std::int64_t tiles = 0;  // row_start[r] held row r's tile count: make it the offsets
  for (std::int64_t& entry : layout.row_start) {
    const std::int64_t count = entry;
    entry = tiles;
    tiles += count;
  }
  std::vector<std::int64_t> first_mask(static_cast<std::size_t>(chunks + 1), 0);
  for (std::size_t c = 0; c < results.size(); ++c) {
    first_mask[c + 1] =
        first_mask[c] + static_cast<std::int64_t>(results[c].signature_start.size());
  }
  layout.tiles.resize(static_cast<std::size_t>(layout.row_start.back()));
  const auto mask_bytes =
      static_cast<std::size_t>(first_mask.back() * layout.shape.block_q * layout.shape.block_kv);
  layout.masks.reserve(mask_bytes);
  advise_huge_pages(layout.masks.data(), mask_bytes);
  layout.masks.resize(mask_bytes);
  // On one thread: about 1 ms for floor 4's layout, and a second parallel region costs more
  // than that whenever the machine is busy (the region waits for a descheduled thread).
  for (std::size_t c = 0; c < results.size(); ++c) {
    place_chunk(results[c], layout.row_start[c * kRowsPerChunk], first_mask[c], layout);
  }
}

}  // namespace attnbench
