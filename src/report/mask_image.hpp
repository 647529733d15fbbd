// A mask downsampled honestly for a picture: a cell covers a square of `tokens` x `tokens`
// (query, key) pairs and is allowed if any of its pairs is allowed, so a one-token line (a global
// token, a sink, a diagonal) never vanishes. Cells that are not allowed are "masked", or, for the
// tile overlay, "computed but masked" when they lie in a tile the sparse executor visits.
#pragma once

#include <algorithm>
#include <cstdint>
#include <vector>

#include "core/layout.hpp"
#include "report/image.hpp"

namespace attnbench {

inline constexpr Rgb kAllowedColor = {31, 59, 124};
// Light grey rather than white: white is the page, around the picture, and means nothing.
inline constexpr Rgb kMaskedColor = {228, 228, 222};
inline constexpr Rgb kComputedColor = {247, 190, 120};  // tile overlay: visited, not allowed
inline constexpr Rgb kPageColor = {255, 255, 255};
inline constexpr Rgb kInkColor = {25, 25, 25};
inline constexpr Rgb kTileEdgeColor = {150, 150, 150};
inline constexpr Rgb kAxisColor = {110, 110, 110};  // frame and ticks: unlike any mask colour

enum CellState : std::uint8_t { kCellMasked = 0, kCellComputed = 1, kCellAllowed = 2 };

struct MaskGrid {
  Index tokens = 1;  // pairs per cell side
  int cols = 0, rows = 0;
  std::vector<std::uint8_t> states;  // CellState, row-major
  std::int64_t allowed_pairs = 0;    // of this head, counted exactly (not per cell)
  std::uint8_t at(int col, int row) const {
    return states[static_cast<std::size_t>(row) * static_cast<std::size_t>(cols) +
                  static_cast<std::size_t>(col)];
  }
};

MaskGrid mask_grid(const BlockLayout& layout, int head, Index tokens_per_cell);

// The allowed pairs of one head, counted from its layout.
inline std::int64_t allowed_pairs(const BlockLayout& layout, int head) {
  return mask_grid(layout, head, std::max(layout.shape.q_len, layout.shape.kv_len)).allowed_pairs;
}

// How large a picture is: `size` pixels on the mask's longer side at most, or `scale` pixels
// per token (0: use size).
struct PictureScale {
  int size = 768;
  int scale = 0;
};

// Tokens per cell and pixels per cell for a mask whose longer side is `length` tokens. With a
// size of 256 px or more a cell is at least 2 px, so no feature is narrower than 2 px.
struct CellSize {
  Index tokens = 1;
  int pixels = 1;
};
CellSize cell_size(Index length, PictureScale scale);

}  // namespace attnbench
