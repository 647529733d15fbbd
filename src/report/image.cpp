#include "report/image.hpp"

#include <fmt/format.h>
#include <png.h>

#include <algorithm>
#include <cstdio>
#include <memory>
#include <stdexcept>

#include "report/font_6x13.hpp"

namespace attnbench {

namespace {

// Whether font pixel (col, row) of character c is ink; characters outside ASCII 32..126 are
// drawn as '?', so that nothing printed silently disappears.
bool ink(char c, int col, int row) {
  int code = static_cast<unsigned char>(c);
  if (code < font6x13::kFirst || code > font6x13::kLast) code = '?';
  const std::uint8_t bits =
      font6x13::kGlyphs[static_cast<std::size_t>(code - font6x13::kFirst) * 13 +
                        static_cast<std::size_t>(row)];
  return (bits >> (7 - col)) & 1;
}

using FilePtr = std::unique_ptr<FILE, int (*)(FILE*)>;

FilePtr open_file(const std::string& path, const char* mode) {
  FilePtr file(std::fopen(path.c_str(), mode), std::fclose);
  if (!file) {
    throw std::runtime_error(std::string("cannot ") + (mode[0] == 'r' ? "read " : "write ") + path);
  }
  return file;
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
  for (int j = std::max(y, 0); j < std::min(y + h, height_); ++j) {
    for (int i = std::max(x, 0); i < std::min(x + w, width_); ++i) set(i, j, color);
  }
}

void Image::paste(const Image& other, int x, int y) {
  for (int j = 0; j < other.height_; ++j) {
    for (int i = 0; i < other.width_; ++i) set(x + i, y + j, other.at(i, j));
  }
}

void Image::text(int x, int y, const std::string& text, Rgb color, int scale) {
  for (std::size_t n = 0; n < text.size(); ++n) {
    const int left = x + static_cast<int>(n) * kGlyphWidth * scale;
    for (int row = 0; row < kGlyphHeight; ++row) {
      for (int col = 0; col < kGlyphWidth; ++col) {
        if (ink(text[n], col, row)) fill(left + col * scale, y + row * scale, scale, scale, color);
      }
    }
  }
}

void Image::text_vertical(int x, int y, const std::string& text, Rgb color, int scale) {
  // Turned 90 degrees counter-clockwise: the glyph's column becomes -y, its row +x.
  for (std::size_t n = 0; n < text.size(); ++n) {
    const int bottom = y - static_cast<int>(n) * kGlyphWidth * scale;
    for (int row = 0; row < kGlyphHeight; ++row) {
      for (int col = 0; col < kGlyphWidth; ++col) {
        if (ink(text[n], col, row))
          fill(x + row * scale, bottom - (col + 1) * scale, scale, scale, color);
      }
    }
  }
}

void write_png(const Image& image, const std::string& path) {
  const FilePtr file = open_file(path, "wb");
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

Image read_png(const std::string& path) {
  // libpng's simplified API: no setjmp, any PNG converted to 8-bit RGB.
  png_image png{};
  png.version = PNG_IMAGE_VERSION;
  if (!png_image_begin_read_from_file(&png, path.c_str())) {
    throw std::runtime_error(fmt::format("cannot read {}: {}", path, png.message));
  }
  png.format = PNG_FORMAT_RGB;
  Image image(static_cast<int>(png.width), static_cast<int>(png.height), Rgb{0, 0, 0});
  if (!png_image_finish_read(&png, nullptr, image.pixels_.data(), 0, nullptr)) {
    png_image_free(&png);
    throw std::runtime_error(fmt::format("cannot decode {}: {}", path, png.message));
  }
  return image;
}

}  // namespace attnbench
