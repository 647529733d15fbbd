// RGB images for mask pictures and the gallery: pixels, filled rectangles, labels in a built-in
// 5x7 font (no font files needed), and PNG output through libpng.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace attnbench {

using Rgb = std::array<std::uint8_t, 3>;

class Image {
 public:
  Image(int width, int height, Rgb background);
  int width() const { return width_; }
  int height() const { return height_; }
  void set(int x, int y, Rgb color);
  Rgb at(int x, int y) const;
  void fill(int x, int y, int w, int h, Rgb color);
  void paste(const Image& other, int x, int y);
  // Text at (x, y), `scale` pixels per font dot; lowercase is drawn as capitals.
  void text(int x, int y, const std::string& text, Rgb color, int scale = 1);
  static int text_width(const std::string& text, int scale = 1) {
    return static_cast<int>(text.size()) * 6 * scale;
  }

 private:
  int width_, height_;
  std::vector<std::uint8_t> pixels_;  // row-major RGB
  friend void write_png(const Image& image, const std::string& path);
};

// Throws std::runtime_error when the file cannot be written.
void write_png(const Image& image, const std::string& path);

}  // namespace attnbench
