// Mask pictures a paper can use: each mask as a panel with its caption, query (down) and key
// (across) axes with ticks in tokens, under a title and above a legend; drawn to PNG or SVG
// (report/figure.hpp). `attnbench mask --png/--svg` and `attnbench gallery` both come here.
#pragma once

#include <string>
#include <vector>

#include "report/figure.hpp"
#include "report/mask_image.hpp"

namespace attnbench {

struct MaskPanel {
  const BlockLayout* layout = nullptr;
  int head = 0;
  std::vector<std::string> caption;  // lines above the mask
};

struct MaskPictureOptions {
  PictureScale scale;
  bool tiles = false;  // the overlay: computed-but-masked cells and the tile edges
  int columns = 4;     // panels per row
};

// Panels in a grid under the title; every panel gets its own cell size from `options.scale`.
Figure mask_picture(const std::vector<std::string>& title, const std::vector<MaskPanel>& panels,
                    const MaskPictureOptions& options);

// Splits `text` at spaces into lines of at most `width` characters (a longer word is cut).
std::vector<std::string> wrap_text(const std::string& text, std::size_t width);

// Tick positions for an axis of `length` tokens: quarters of a power of two, else multiples of
// 1, 2 or 5 times a power of ten, at most 6 ticks, starting at 0.
std::vector<Index> axis_ticks(Index length);

}  // namespace attnbench
