// A picture as a list of shapes, drawn the same way to a PNG (through Image) or an SVG (text):
// filled rectangles, text, and grids of cells with a palette (a mask downsampled to cells). Text
// is measured in the PNG's 6x13 font; the SVG asks for a monospace font of the same advance.
#pragma once

#include <string>
#include <variant>
#include <vector>

#include "report/image.hpp"

namespace attnbench {

struct FillRect {
  int x = 0, y = 0, w = 0, h = 0;
  Rgb color{};
};

enum class Anchor { kStart, kMiddle, kEnd };

struct TextItem {
  int x = 0, y = 0;  // the top of the text's line; horizontal position per `anchor`
  std::string text;
  Rgb color{};
  Anchor anchor = Anchor::kStart;
  bool vertical = false;  // reads bottom to top; (x, y): left edge, and the anchor along y
};

// cols x rows cells of `cell` pixels each, cell (c, r) drawn in palette[states[r * cols + c]].
struct CellGrid {
  int x = 0, y = 0, cell = 1, cols = 0, rows = 0;
  std::vector<std::uint8_t> states;
  std::vector<Rgb> palette;
};

// Grids live beside the shapes (a variant holding vectors trips GCC 12's -Wmaybe-uninitialized
// under the sanitizers); a shape refers to one by index.
struct GridRef {
  std::size_t index = 0;
};

using Shape = std::variant<FillRect, TextItem, GridRef>;

struct Figure {
  int width = 0, height = 0;
  Rgb background{255, 255, 255};
  std::vector<Shape> shapes;  // in drawing order
  std::vector<CellGrid> grids;

  void grid(CellGrid g) {
    grids.push_back(std::move(g));
    shapes.push_back(GridRef{grids.size() - 1});
  }
  void rect(int x, int y, int w, int h, Rgb color) {
    shapes.push_back(FillRect{x, y, w, h, color});
  }
  // A one-pixel outline just outside the box (x, y, w, h).
  void frame(int x, int y, int w, int h, Rgb color);
  void text(int x, int y, std::string text, Rgb color, Anchor anchor = Anchor::kStart) {
    shapes.push_back(TextItem{x, y, std::move(text), color, anchor, false});
  }
  void text_vertical(int x, int y, std::string text, Rgb color, Anchor anchor) {
    shapes.push_back(TextItem{x, y, std::move(text), color, anchor, true});
  }
  static int text_width(const std::string& text) { return Image::text_width(text); }
  static constexpr int kLine = Image::kGlyphHeight + 2;  // a line of text, with its spacing
};

Image rasterize(const Figure& figure);
std::string to_svg(const Figure& figure);

// Writes a PNG or an SVG as the path's extension says (.png, .svg); throws InputError naming
// `option` for another extension and std::runtime_error when the file cannot be written.
void write_figure(const Figure& figure, const std::string& path, const std::string& option);

}  // namespace attnbench
