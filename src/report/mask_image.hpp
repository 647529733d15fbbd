// A picture of a mask from its block layout, queries down and keys across. Long sequences are
// downsampled honestly: a pixel covers a square of pairs and is drawn allowed if any of its
// pairs is allowed; computed-but-masked pairs of partial tiles and tiles never visited get their
// own colours.
#pragma once

#include "core/layout.hpp"
#include "report/image.hpp"

namespace attnbench {

inline constexpr Rgb kAllowedColor = {31, 59, 124};
inline constexpr Rgb kMaskedColor = {247, 190, 120};  // in a visited tile, not allowed
inline constexpr Rgb kEmptyColor = {255, 255, 255};   // in no visited tile

// At most max_pixels on the longer side; the same scale on both axes.
Image mask_image(const BlockLayout& layout, int head, int max_pixels);

}  // namespace attnbench
