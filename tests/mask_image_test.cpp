// Mask pictures: cells are allowed when any of their pairs is, features stay at least 2 px wide,
// and the PNG (decoded) and SVG (parsed for balanced elements) hold the picture at its size.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "core/layout.hpp"
#include "pattern_cases.hpp"
#include "report/mask_figure.hpp"

namespace attnbench::testing {
namespace {

TEST(MaskGrid, ThreeStatesAtFullResolution) {
  const auto causal = make("dense", {{"causal", true}}, 100);
  const BlockLayout layout = build_layout(*causal, {100, 100, 32, 32}, 1);
  const MaskGrid grid = mask_grid(layout, 0, 1);
  ASSERT_EQ(grid.cols, 100);
  EXPECT_EQ(grid.at(10, 20), kCellAllowed);   // key 10 of query 20
  EXPECT_EQ(grid.at(20, 10), kCellComputed);  // above the diagonal, in the diagonal tile
  EXPECT_EQ(grid.at(50, 10), kCellMasked);    // a tile the executor never visits
  EXPECT_EQ(grid.allowed_pairs, 100 * 101 / 2);
}

TEST(MaskGrid, DownsamplingKeepsOneTokenLines) {
  // One allowed key per query (a diagonal): with 10 tokens per cell every diagonal cell is lit.
  const auto diagonal = make("sliding_window", {{"radius", Index{0}}}, 1000);
  const BlockLayout layout = build_layout(*diagonal, {1000, 1000, 64, 64}, 1);
  const MaskGrid grid = mask_grid(layout, 0, 10);
  ASSERT_EQ(grid.cols, 100);
  for (int i = 0; i < 100; ++i) EXPECT_EQ(grid.at(i, i), kCellAllowed) << i;
  EXPECT_EQ(grid.at(3, 0), kCellComputed);
  EXPECT_EQ(grid.allowed_pairs, 1000);
}

TEST(MaskGrid, CellsAreAtLeastTwoPixelsFrom256Pixels) {
  for (const Index length : {Index{64}, Index{1000}, Index{4096}, Index{1} << 20}) {
    for (const int size : {256, 300, 768, 1024}) {
      const CellSize cell = cell_size(length, {size, 0});
      const Index cells = (length + cell.tokens - 1) / cell.tokens;
      EXPECT_GE(cell.pixels, 2) << length << " " << size;
      EXPECT_LE(cells * cell.pixels, size) << length << " " << size;
      EXPECT_GT(cells * cell.pixels, size / 2) << length << " " << size;  // the size is used
    }
  }
  EXPECT_EQ(cell_size(4096, {768, 0}).tokens, 16);  // a power of two: 256 cells of 3 px
  EXPECT_EQ(cell_size(4096, {768, 0}).pixels, 3);
  EXPECT_EQ(cell_size(64, {768, 0}).tokens, 1);
  EXPECT_EQ(cell_size(64, {768, 0}).pixels, 12);
  EXPECT_EQ(cell_size(100, {0, 5}).pixels, 5);
}

TEST(MaskFigure, TicksAndWrapping) {
  EXPECT_EQ(axis_ticks(4096), (std::vector<Index>{0, 1024, 2048, 3072, 4096}));
  EXPECT_EQ(axis_ticks(1000), (std::vector<Index>{0, 200, 400, 600, 800, 1000}));
  EXPECT_EQ(axis_ticks(7), (std::vector<Index>{0, 2, 4, 6}));
  EXPECT_EQ(wrap_text("a bb ccc dddddddd", 6),
            (std::vector<std::string>{"a bb", "ccc", "dddddd", "dd"}));
}

// A window with global tokens at 4096 tokens in a 512-px picture: 16 tokens per 2-px cell.
struct Picture {
  std::unique_ptr<Pattern> pattern;
  BlockLayout layout;
  Figure figure;
};

Picture longformer_picture(bool tiles) {
  Picture p;
  p.pattern = make("longformer", {{"radius", Index{32}}}, 4096);
  p.layout = build_layout(*p.pattern, {4096, 4096, 64, 64}, 1);
  p.figure = mask_picture({"longformer radius=32", "4096 x 4096"},
                          {{&p.layout, 0, {"density 0.02"}}}, {{512, 0}, tiles, 4});
  return p;
}

std::string temp_path(const std::string& name) {
  return (std::filesystem::temp_directory_path() /
          (std::to_string(::getpid()) + "_attnbench_" + name))
      .string();
}

// Horizontal and vertical runs of `color`, in pixels; the shortest one.
int shortest_run(const Image& image, Rgb color) {
  int shortest = 1 << 30;
  for (const bool across : {true, false}) {
    const int lines = across ? image.height() : image.width();
    const int length = across ? image.width() : image.height();
    for (int l = 0; l < lines; ++l) {
      int run = 0;
      for (int i = 0; i <= length; ++i) {
        const bool on = i < length && (across ? image.at(i, l) : image.at(l, i)) == color;
        if (on) ++run;
        if (!on && run > 0) shortest = std::min(shortest, run), run = 0;
      }
    }
  }
  return shortest;
}

TEST(MaskFigure, PngDecodesAtItsSizeWithTwoPixelFeatures) {
  const Picture p = longformer_picture(false);
  const std::string path = temp_path("mask.png");
  write_figure(p.figure, path, "--png");
  const Image image = read_png(path);
  std::filesystem::remove(path);
  EXPECT_EQ(image.width(), p.figure.width);
  EXPECT_EQ(image.height(), p.figure.height);
  EXPECT_GE(image.width(), 512);
  std::map<Rgb, int> counts;
  for (int y = 0; y < image.height(); ++y) {
    for (int x = 0; x < image.width(); ++x) ++counts[image.at(x, y)];
  }
  // 16 tokens per 2-px cell: the band (65 tokens) is at least 4 cells wide on each of 512 pixel
  // rows, and the global row and column are a cell wide each.
  EXPECT_GT(counts[kAllowedColor], 512 * 4 * 2 + 2 * 512 * 2);
  EXPECT_GT(counts[kMaskedColor], 512 * 512 / 2);
  EXPECT_GT(counts[kInkColor], 2000);                // axes, ticks and text
  EXPECT_EQ(counts.count(kComputedColor), 0u);       // no overlay unless asked
  EXPECT_GE(shortest_run(image, kAllowedColor), 2);  // the one-token global row and column too
}

TEST(MaskFigure, TileOverlayShowsComputedPairs) {
  const Picture p = longformer_picture(true);
  const Image image = rasterize(p.figure);
  int computed = 0;
  for (int y = 0; y < image.height(); ++y) {
    for (int x = 0; x < image.width(); ++x) computed += image.at(x, y) == kComputedColor;
  }
  EXPECT_GT(computed, 1000);
}

// Element names must nest: every opened element is closed, in order. (A hand-written scan: GCC
// 12 warns falsely inside std::regex under the sanitizers.)
void expect_balanced(const std::string& svg) {
  std::vector<std::string> open;
  for (std::size_t at = svg.find('<'); at != std::string::npos; at = svg.find('<', at + 1)) {
    const std::size_t end = svg.find('>', at);
    ASSERT_NE(end, std::string::npos) << "unterminated tag at " << at;
    const std::string tag = svg.substr(at + 1, end - at - 1);
    if (tag.starts_with('?') || tag.ends_with('/')) continue;  // declaration, empty element
    const bool closing = tag.starts_with('/');
    const std::string name = tag.substr(closing, tag.find_first_of(" \n", closing) - closing);
    if (closing) {
      ASSERT_FALSE(open.empty()) << tag;
      ASSERT_EQ(open.back(), name);
      open.pop_back();
    } else {
      open.push_back(name);
    }
  }
  EXPECT_TRUE(open.empty());
}

TEST(MaskFigure, SvgIsWellFormedAtItsSize) {
  const Picture p = longformer_picture(false);
  const std::string path = temp_path("mask.svg");
  write_figure(p.figure, path, "--svg");
  std::stringstream text;
  text << std::ifstream(path).rdbuf();
  std::filesystem::remove(path);
  const std::string svg = text.str();
  ASSERT_EQ(svg.rfind("<?xml", 0), 0u);
  EXPECT_NE(svg.find(fmt::format("width=\"{}\" height=\"{}\"", p.figure.width, p.figure.height)),
            std::string::npos);
  expect_balanced(svg);
  EXPECT_NE(svg.find(">longformer radius=32</text>"), std::string::npos);
  EXPECT_NE(svg.find(">key position</text>"), std::string::npos);
  const std::string allowed = fmt::format("fill=\"#{:02x}{:02x}{:02x}\"", kAllowedColor[0],
                                          kAllowedColor[1], kAllowedColor[2]);
  std::size_t rects = 0;
  for (std::size_t at = svg.find(allowed); at != std::string::npos; at = svg.find(allowed, at + 1))
    ++rects;
  // Runs merged down the rows: a band of 512 rows and two global lines, not one rect per cell.
  EXPECT_GT(rects, 3u);
  EXPECT_LT(rects, 2000u);
}

TEST(MaskFigure, WriteFigureRefusesOtherExtensions) {
  const Picture p = longformer_picture(false);
  EXPECT_THROW(write_figure(p.figure, temp_path("mask.jpg"), "--out"), InputError);
}

}  // namespace
}  // namespace attnbench::testing
