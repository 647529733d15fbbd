// RGB images for mask pictures and the gallery: pixels, filled rectangles, text in X11's
// public-domain 6x13 bitmap font (compiled in, so no font file or font library is needed), and
// PNG output and input through libpng.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace attnbench {

using Rgb = std::array<std::uint8_t, 3>;

class Image {
 public:
  static constexpr int kGlyphWidth = 6, kGlyphHeight = 13;

  Image(int width, int height, Rgb background);
  int width() const { return width_; }
  int height() const { return height_; }
  void set(int x, int y, Rgb color);
  Rgb at(int x, int y) const;
  void fill(int x, int y, int w, int h, Rgb color);
  void paste(const Image& other, int x, int y);
  // Text with its glyph cells' top-left corner at (x, y), `scale` pixels per font pixel. Vertical
  // text reads bottom to top (a y-axis label) and starts at (x, y) going up.
  void text(int x, int y, const std::string& text, Rgb color, int scale = 1);
  void text_vertical(int x, int y, const std::string& text, Rgb color, int scale = 1);
  static int text_width(const std::string& text, int scale = 1) {
    return static_cast<int>(text.size()) * kGlyphWidth * scale;
  }

 private:
  int width_, height_;
  std::vector<std::uint8_t> pixels_;  // row-major RGB
  friend void write_png(const Image& image, const std::string& path);
  friend Image read_png(const std::string& path);
};

// Throws std::runtime_error when the file cannot be written.
void write_png(const Image& image, const std::string& path);
// Any PNG, converted to 8-bit RGB; throws std::runtime_error when it cannot be read.
Image read_png(const std::string& path);

}  // namespace attnbench
