#include "report/mask_figure.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace attnbench {

namespace {

constexpr int kLine = Figure::kLine, kTick = 4, kGap = 12;

struct Box {
  int w = 0, h = 0;
};

struct PanelLayout {
  CellSize cell;
  MaskGrid grid;
  int left = 0;  // from the panel's left edge to the mask: label, tick labels and ticks
  int top = 0;   // caption lines
  Box box;
};

// `caption_lines`: the most lines of any panel's caption, so that the masks of a row line up.
PanelLayout layout_panel(const MaskPanel& panel, const MaskPictureOptions& options,
                         std::size_t caption_lines) {
  const LayoutShape& s = panel.layout->shape;
  PanelLayout p;
  p.cell = cell_size(std::max(s.q_len, s.kv_len), options.scale);
  p.grid = mask_grid(*panel.layout, panel.head, p.cell.tokens);
  const std::vector<Index> ticks = axis_ticks(s.q_len);
  p.left = kLine + Figure::text_width(std::to_string(ticks.back())) + kTick + 3;
  p.top = static_cast<int>(caption_lines) * kLine + 4;
  int width = p.left + p.grid.cols * p.cell.pixels;
  for (const std::string& line : panel.caption) width = std::max(width, Figure::text_width(line));
  // Room on the right for the last key tick label, centred on the mask's edge.
  width += Figure::text_width(std::to_string(axis_ticks(s.kv_len).back())) / 2;
  p.box = {width, p.top + p.grid.rows * p.cell.pixels + kTick + 2 * kLine + 2};
  return p;
}

// Pixel offset of token t along an axis.
int at_token(Index t, const CellSize& cell) {
  return static_cast<int>(t * cell.pixels / cell.tokens);
}

void draw_tile_edges(Figure& f, const PanelLayout& p, const LayoutShape& s, int x0, int y0) {
  const int w = p.grid.cols * p.cell.pixels, h = p.grid.rows * p.cell.pixels;
  // Edges closer than 8 px would hide the mask; they are left out (the legend says so).
  if (at_token(s.block_q, p.cell) < 8 || at_token(s.block_kv, p.cell) < 8) return;
  for (Index q = s.block_q; q < s.q_len; q += s.block_q)
    f.rect(x0, y0 + at_token(q, p.cell), w, 1, kTileEdgeColor);
  for (Index k = s.block_kv; k < s.kv_len; k += s.block_kv)
    f.rect(x0 + at_token(k, p.cell), y0, 1, h, kTileEdgeColor);
}

void draw_axes(Figure& f, const PanelLayout& p, const LayoutShape& s, int x0, int y0) {
  const int w = p.grid.cols * p.cell.pixels, h = p.grid.rows * p.cell.pixels;
  f.frame(x0, y0, w, h, kAxisColor);
  for (const Index q : axis_ticks(s.q_len)) {
    const int y = y0 + std::min(at_token(q, p.cell), h);
    f.rect(x0 - 1 - kTick, y, kTick, 1, kAxisColor);
    f.text(x0 - 2 - kTick - 2, y - kLine / 2 + 1, std::to_string(q), kInkColor, Anchor::kEnd);
  }
  for (const Index k : axis_ticks(s.kv_len)) {
    const int x = x0 + std::min(at_token(k, p.cell), w);
    f.rect(x, y0 + h + 1, 1, kTick, kAxisColor);
    f.text(x, y0 + h + kTick + 2, std::to_string(k), kInkColor, Anchor::kMiddle);
  }
  f.text(x0 + w / 2, y0 + h + kTick + 2 + kLine, "key position", kInkColor, Anchor::kMiddle);
  f.text_vertical(x0 - p.left, y0 + h / 2, "query position", kInkColor, Anchor::kMiddle);
}

void draw_panel(Figure& f, const MaskPanel& panel, const PanelLayout& p, int x, int y, bool tiles) {
  for (std::size_t i = 0; i < panel.caption.size(); ++i)
    f.text(x, y + static_cast<int>(i) * kLine, panel.caption[i], kInkColor);
  const int x0 = x + p.left, y0 = y + p.top;
  CellGrid grid{x0,
                y0,
                p.cell.pixels,
                p.grid.cols,
                p.grid.rows,
                p.grid.states,
                {kMaskedColor, tiles ? kComputedColor : kMaskedColor, kAllowedColor}};
  f.grid(std::move(grid));
  if (tiles) draw_tile_edges(f, p, panel.layout->shape, x0, y0);
  draw_axes(f, p, panel.layout->shape, x0, y0);
}

// One row of swatches and their names, then what a cell is.
Box draw_legend(Figure& f, int x, int y, const std::vector<PanelLayout>& panels, bool tiles,
                const LayoutShape& shape) {
  std::vector<std::pair<Rgb, std::string>> items = {{kAllowedColor, "allowed"},
                                                    {kMaskedColor, "masked"}};
  if (tiles) {
    items.emplace_back(kComputedColor, "masked, computed (in a visited tile)");
    items.emplace_back(kTileEdgeColor, fmt::format("tile edges, {}x{} (where >= 8 px apart)",
                                                   shape.block_q, shape.block_kv));
  }
  int at = x;
  for (const auto& [color, name] : items) {
    f.rect(at, y + 1, 11, 11, color);
    f.frame(at, y + 1, 11, 11, kInkColor);
    f.text(at + 16, y, name, kInkColor);
    at += 16 + Figure::text_width(name) + 14;
  }
  Index fewest = panels.front().cell.tokens, most = fewest;
  for (const PanelLayout& p : panels) {
    fewest = std::min(fewest, p.cell.tokens), most = std::max(most, p.cell.tokens);
  }
  const std::string cells =
      most == 1 ? "one cell per (query, key) pair"
      : fewest == most
          ? fmt::format("one cell per {0}x{0} pairs, drawn allowed if any of its pairs is", most)
          : fmt::format(
                "one cell per {}x{} to {}x{} pairs (see each panel), drawn allowed if any "
                "of its pairs is",
                fewest, fewest, most, most);
  f.text(x, y + kLine + 2, cells, kInkColor);
  return {std::max(at, x + Figure::text_width(cells)) - x, 2 * kLine + 4};
}

}  // namespace

Figure mask_picture(const std::vector<std::string>& title, const std::vector<MaskPanel>& panels,
                    const MaskPictureOptions& options) {
  std::vector<PanelLayout> layouts;
  Box cell;
  std::size_t caption_lines = 0;
  for (const MaskPanel& panel : panels)
    caption_lines = std::max(caption_lines, panel.caption.size());
  for (const MaskPanel& panel : panels) {
    layouts.push_back(layout_panel(panel, options, caption_lines));
    cell.w = std::max(cell.w, layouts.back().box.w);
    cell.h = std::max(cell.h, layouts.back().box.h);
  }
  const int columns = std::max(1, std::min<int>(options.columns, static_cast<int>(panels.size())));
  const int rows = (static_cast<int>(panels.size()) + columns - 1) / columns;
  const int top = kGap + static_cast<int>(title.size()) * kLine + kGap;
  Figure f;
  f.width = kGap + columns * (cell.w + 2 * kGap);
  for (const std::string& line : title)
    f.width = std::max(f.width, 2 * kGap + Figure::text_width(line));
  for (std::size_t i = 0; i < title.size(); ++i)
    f.text(kGap, kGap + static_cast<int>(i) * kLine, title[i], kInkColor);
  for (std::size_t i = 0; i < panels.size(); ++i) {
    const int column = static_cast<int>(i) % columns, row = static_cast<int>(i) / columns;
    draw_panel(f, panels[i], layouts[i], kGap + column * (cell.w + 2 * kGap),
               top + row * (cell.h + kGap), options.tiles);
  }
  const int legend_y = top + rows * (cell.h + kGap);
  const Box legend =
      draw_legend(f, kGap, legend_y, layouts, options.tiles, panels.front().layout->shape);
  f.height = legend_y + legend.h + kGap;
  f.width = std::max(f.width, legend.w + 2 * kGap);
  return f;
}

std::vector<std::string> wrap_text(const std::string& text, std::size_t width) {
  std::vector<std::string> lines;
  std::string line;
  std::size_t at = 0;
  while (at < text.size()) {
    std::size_t end = text.find(' ', at);
    if (end == std::string::npos) end = text.size();
    std::string word = text.substr(at, end - at);
    at = end + 1;
    while (word.size() > width) {  // a word longer than a line is cut
      if (!line.empty()) lines.push_back(std::move(line)), line.clear();
      lines.push_back(word.substr(0, width));
      word = word.substr(width);
    }
    if (!line.empty() && line.size() + 1 + word.size() > width) {
      lines.push_back(std::move(line)), line.clear();
    }
    line += (line.empty() ? "" : " ") + word;
  }
  if (!line.empty()) lines.push_back(line);
  return lines;
}

std::vector<Index> axis_ticks(Index length) {
  Index step = 1;
  if (length >= 4 && (length & (length - 1)) == 0) {
    step = length / 4;
  } else {
    for (Index base = 1;; base *= 10) {
      const Index candidates[] = {base, 2 * base, 5 * base};
      const auto fits = std::find_if(std::begin(candidates), std::end(candidates),
                                     [&](Index s) { return length / s <= 5; });
      if (fits != std::end(candidates)) {
        step = *fits;
        break;
      }
    }
  }
  std::vector<Index> ticks;
  for (Index t = 0; t <= length; t += step) ticks.push_back(t);
  return ticks;
}

}  // namespace attnbench
