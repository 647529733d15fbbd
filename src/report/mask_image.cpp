#include "report/mask_image.hpp"

#include <algorithm>

namespace attnbench {

namespace {

// 0 empty, 1 masked, 2 allowed: a pixel shows the highest state among its pairs.
class PixelStates {
 public:
  PixelStates(int width, int height, Index scale)
      : width_(width),
        scale_(scale),
        states_(static_cast<std::size_t>(width) * static_cast<std::size_t>(height), 0) {}
  void raise(Index row, Index col, std::uint8_t state) {
    std::uint8_t& s = states_[static_cast<std::size_t>(row / scale_ * width_ + col / scale_)];
    s = std::max(s, state);
  }
  void raise_block(Index row0, Index row1, Index col0, Index col1, std::uint8_t state) {
    for (Index y = row0 / scale_; y <= (row1 - 1) / scale_; ++y) {
      for (Index x = col0 / scale_; x <= (col1 - 1) / scale_; ++x) {
        std::uint8_t& s = states_[static_cast<std::size_t>(y * width_ + x)];
        s = std::max(s, state);
      }
    }
  }
  std::uint8_t at(int x, int y) const { return states_[static_cast<std::size_t>(y * width_ + x)]; }

 private:
  Index width_, scale_;
  std::vector<std::uint8_t> states_;
};

}  // namespace

Image mask_image(const BlockLayout& layout, int head, int max_pixels) {
  const LayoutShape& s = layout.shape;
  const Index scale =
      std::max<Index>(1, (std::max(s.q_len, s.kv_len) + max_pixels - 1) / max_pixels);
  const int width = static_cast<int>((s.kv_len + scale - 1) / scale),
            height = static_cast<int>((s.q_len + scale - 1) / scale);
  PixelStates states(width, height, scale);
  for (Index qt = 0; qt < layout.q_tiles; ++qt) {
    const Index row0 = qt * s.block_q, rows = layout.q_tile_rows(qt);
    for (const LayoutTile& tile : layout.row(head, qt)) {
      const Index col0 = tile.kv_tile * s.block_kv, cols = layout.kv_tile_cols(tile.kv_tile);
      if (tile.kind == TileKind::kFull) {
        states.raise_block(row0, row0 + rows, col0, col0 + cols, 2);
        continue;
      }
      const std::uint8_t* bits = layout.mask(tile);
      for (Index r = 0; r < rows; ++r) {
        for (Index c = 0; c < cols; ++c)
          states.raise(row0 + r, col0 + c, bits[r * s.block_kv + c] ? 2 : 1);
      }
    }
  }
  Image image(width, height, kEmptyColor);
  for (int y = 0; y < height; ++y) {
    for (int x = 0; x < width; ++x) {
      const std::uint8_t state = states.at(x, y);
      if (state) image.set(x, y, state == 2 ? kAllowedColor : kMaskedColor);
    }
  }
  return image;
}

}  // namespace attnbench
