#include "report/image.hpp"

#include <png.h>

#include <cctype>
#include <cstdio>
#include <map>
#include <memory>
#include <stdexcept>

namespace attnbench {

namespace {

// 5x7 glyphs, row by row, '#' = ink.
const std::map<char, const char*>& font() {
  static const std::map<char, const char*> glyphs = {
      {'A', ".###.#...##...#######...##...##...#"}, {'B', "####.#...##...#####.#...##...#####."},
      {'C', ".###.#...##....#....#....#...#.###."}, {'D', "####.#...##...##...##...##...#####."},
      {'E', "######....#....####.#....#....#####"}, {'F', "######....#....####.#....#....#...."},
      {'G', ".###.#...##....#.####...##...#.####"}, {'H', "#...##...##...#######...##...##...#"},
      {'I', ".###...#....#....#....#....#...###."}, {'J', "..###...#....#....#....##..#..##.."},
      {'K', "#...##..#.#.#..##...#.#..#..#.#...#"}, {'L', "#....#....#....#....#....#....#####"},
      {'M', "#...###.###.#.##...##...##...##...#"}, {'N', "#...###..##.#.##..###...##...##...#"},
      {'O', ".###.#...##...##...##...##...#.###."}, {'P', "####.#...##...#####.#....#....#...."},
      {'Q', ".###.#...##...##...##.#.##..#..##.#"}, {'R', "####.#...##...#####.#.#..#..#.#...#"},
      {'S', ".####.....#.....###.....#....#####."}, {'T', "#####..#....#....#....#....#....#.."},
      {'U', "#...##...##...##...##...##...#.###."}, {'V', "#...##...##...##...##...#.#.#...#.."},
      {'W', "#...##...##...##.#.##.#.##.#.#.#.#."}, {'X', "#...##...#.#.#...#...#.#.#...##...#"},
      {'Y', "#...##...#.#.#...#....#....#....#.."}, {'Z', "#####....#...#...#...#...#....#####"},
      {'0', ".###.#...##..###.#.###..##...#.###."}, {'1', "..#...##....#....#....#....#...###."},
      {'2', ".###.#...#....#...#...#...#...#####"}, {'3', "#####...#...#.....#....##...#.###."},
      {'4', "...#...##..#.#.#..#.#####...#....#."}, {'5', "######....####.....#....##...#.###."},
      {'6', "..##..#...#....####.#...##...#.###."}, {'7', "#####....#...#...#...#....#....#..."},
      {'8', ".###.#...##...#.###.#...##...#.###."}, {'9', ".###.#...##...#.####....#...#..##.."},
      {'_', "..............................#####"}, {'.', "..........................##...##.."},
      {'=', "..........#####.....#####.........."}, {'-', "...............###................."},
      {':', ".....##...##.........##...##......."}, {'(', "...#...#...#....#....#.....#.....#."},
      {')', ".#.....#.....#....#....#...#...#..."}, {',', ".....................##...##...#..."},
      {'/', ".....#...#...#...#...#............."}, {'%', "##...##..#...#...#...#...#..##...##"},
      {'[', ".###..#....#....#....#....#....###."}, {']', ".###....#....#....#....#....#..###."},
      {'|', "..#....#....#....#....#....#....#.."}};
  return glyphs;
}

}  // namespace

Image::Image(int width, int height, Rgb background)
    : width_(width),
      height_(height),
      pixels_(static_cast<std::size_t>(width) * static_cast<std::size_t>(height) * 3) {
  fill(0, 0, width, height, background);
}

void Image::set(int x, int y, Rgb color) {
  if (x < 0 || y < 0 || x >= width_ || y >= height_) return;
  const std::size_t at = (static_cast<std::size_t>(y) * static_cast<std::size_t>(width_) +
                          static_cast<std::size_t>(x)) *
                         3;
  for (std::size_t c = 0; c < 3; ++c) pixels_[at + c] = color[c];
}

Rgb Image::at(int x, int y) const {
  const std::size_t i = (static_cast<std::size_t>(y) * static_cast<std::size_t>(width_) +
                         static_cast<std::size_t>(x)) *
                        3;
  return {pixels_[i], pixels_[i + 1], pixels_[i + 2]};
}

void Image::fill(int x, int y, int w, int h, Rgb color) {
  for (int j = y; j < y + h; ++j) {
    for (int i = x; i < x + w; ++i) set(i, j, color);
  }
}

void Image::paste(const Image& other, int x, int y) {
  for (int j = 0; j < other.height_; ++j) {
    for (int i = 0; i < other.width_; ++i) {
      const std::size_t at = (static_cast<std::size_t>(j) * static_cast<std::size_t>(other.width_) +
                              static_cast<std::size_t>(i)) *
                             3;
      set(x + i, y + j, Rgb{other.pixels_[at], other.pixels_[at + 1], other.pixels_[at + 2]});
    }
  }
}

void Image::text(int x, int y, const std::string& text, Rgb color, int scale) {
  for (std::size_t n = 0; n < text.size(); ++n) {
    const char c = static_cast<char>(std::toupper(static_cast<unsigned char>(text[n])));
    const auto glyph = font().find(c);
    if (glyph == font().end()) continue;  // spaces and unknown characters leave a gap
    for (int dot = 0; dot < 35; ++dot) {
      if (glyph->second[dot] == '#') {
        fill(x + (static_cast<int>(n) * 6 + dot % 5) * scale, y + dot / 5 * scale, scale, scale,
             color);
      }
    }
  }
}

void write_png(const Image& image, const std::string& path) {
  std::unique_ptr<FILE, int (*)(FILE*)> file(std::fopen(path.c_str(), "wb"), std::fclose);
  if (!file) throw std::runtime_error("cannot write " + path);
  png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, nullptr, nullptr, nullptr);
  png_infop info = png_create_info_struct(png);
  if (setjmp(png_jmpbuf(png))) {
    png_destroy_write_struct(&png, &info);
    throw std::runtime_error("libpng failed writing " + path);
  }
  png_init_io(png, file.get());
  png_set_IHDR(png, info, static_cast<png_uint_32>(image.width_),
               static_cast<png_uint_32>(image.height_), 8, PNG_COLOR_TYPE_RGB, PNG_INTERLACE_NONE,
               PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
  png_write_info(png, info);
  for (int y = 0; y < image.height_; ++y) {
    png_write_row(png, image.pixels_.data() + static_cast<std::size_t>(y) *
                                                  static_cast<std::size_t>(image.width_) * 3);
  }
  png_write_end(png, nullptr);
  png_destroy_write_struct(&png, &info);
}

}  // namespace attnbench
