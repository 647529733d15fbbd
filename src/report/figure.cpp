#include "report/figure.hpp"

#include <fmt/format.h>

#include <fstream>
#include <map>
#include <stdexcept>
#include <tuple>

#include "core/errors.hpp"

namespace attnbench {

namespace {

int anchored(int at, int length, Anchor anchor) {
  return anchor == Anchor::kStart ? at : anchor == Anchor::kMiddle ? at - length / 2 : at - length;
}

void draw(Image& image, const FillRect& r) { image.fill(r.x, r.y, r.w, r.h, r.color); }

void draw(Image& image, const TextItem& t) {
  const int length = Image::text_width(t.text);
  if (t.vertical) {
    // The anchor runs along y, upwards: kStart is the bottom end.
    image.text_vertical(t.x, anchored(t.y, -length, t.anchor), t.text, t.color);
  } else {
    image.text(anchored(t.x, length, t.anchor), t.y, t.text, t.color);
  }
}

// Row-major index of cell (r, c), computed in size_t so that a large grid cannot overflow int.
std::size_t cell_index(const CellGrid& g, int r, int c) {
  return static_cast<std::size_t>(r) * static_cast<std::size_t>(g.cols) +
         static_cast<std::size_t>(c);
}

void draw(Image& image, const CellGrid& g) {
  for (int r = 0; r < g.rows; ++r) {
    for (int c = 0; c < g.cols; ++c) {
      const Rgb color = g.palette[g.states[cell_index(g, r, c)]];
      image.fill(g.x + c * g.cell, g.y + r * g.cell, g.cell, g.cell, color);
    }
  }
}

std::string hex(Rgb c) { return fmt::format("#{:02x}{:02x}{:02x}", c[0], c[1], c[2]); }

std::string escaped(const std::string& text) {
  std::string out;
  for (const char c : text) {
    switch (c) {
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '&': out += "&amp;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}

void svg(std::string& out, const FillRect& r) {
  out += fmt::format("<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{}\"/>\n", r.x, r.y,
                     r.w, r.h, hex(r.color));
}

void svg(std::string& out, const TextItem& t) {
  // A 10 px monospace font advances about 6 px a character, as the PNG's font does; the baseline
  // sits 10 px below the line's top.
  const char* anchor = t.anchor == Anchor::kStart    ? "start"
                       : t.anchor == Anchor::kMiddle ? "middle"
                                                     : "end";
  const int bx = t.vertical ? t.x + 10 : t.x, by = t.vertical ? t.y : t.y + 10;
  out += fmt::format(
      "<text x=\"{}\" y=\"{}\" font-family=\"monospace\" font-size=\"10\" fill=\"{}\" "
      "text-anchor=\"{}\"{}>{}</text>\n",
      bx, by, hex(t.color), anchor,
      t.vertical ? fmt::format(" transform=\"rotate(-90 {} {})\"", bx, by) : "", escaped(t.text));
}

// Each state's cells as rectangles: runs along a row, merged with the identical runs of the rows
// below, so that bands and blocks stay a few hundred elements. State 0 is the grid's background.
void svg(std::string& out, const CellGrid& g) {
  out += fmt::format("<g shape-rendering=\"crispEdges\">\n");
  svg(out, FillRect{g.x, g.y, g.cols * g.cell, g.rows * g.cell, g.palette[0]});
  using Run = std::tuple<int, int, std::uint8_t>;  // first column, end column, state
  std::map<Run, int> open;                         // run -> first row
  auto close = [&](const Run& run, int first, int end_row) {
    const auto [c0, c1, state] = run;
    svg(out, FillRect{g.x + c0 * g.cell, g.y + first * g.cell, (c1 - c0) * g.cell,
                      (end_row - first) * g.cell, g.palette[state]});
  };
  for (int r = 0; r <= g.rows; ++r) {
    std::map<Run, int> next;
    for (int c = 0; r < g.rows && c < g.cols;) {
      const std::uint8_t state = g.states[cell_index(g, r, c)];
      int end = c + 1;
      while (end < g.cols && g.states[cell_index(g, r, end)] == state) ++end;
      if (state != 0) {
        const Run run{c, end, state};
        const auto found = open.find(run);
        next[run] = found == open.end() ? r : found->second;
      }
      c = end;
    }
    for (const auto& [run, first] : open) {
      if (!next.contains(run)) close(run, first, r);
    }
    open = std::move(next);
  }
  out += "</g>\n";
}

}  // namespace

void Figure::frame(int x, int y, int w, int h, Rgb color) {
  rect(x - 1, y - 1, w + 2, 1, color);
  rect(x - 1, y + h, w + 2, 1, color);
  rect(x - 1, y, 1, h, color);
  rect(x + w, y, 1, h, color);
}

Image rasterize(const Figure& figure) {
  Image image(figure.width, figure.height, figure.background);
  for (const Shape& shape : figure.shapes) {
    if (const auto* g = std::get_if<GridRef>(&shape)) {
      draw(image, figure.grids[g->index]);
    } else if (const auto* r = std::get_if<FillRect>(&shape)) {
      draw(image, *r);
    } else {
      draw(image, std::get<TextItem>(shape));
    }
  }
  return image;
}

std::string to_svg(const Figure& figure) {
  std::string out = fmt::format(
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{0}\" height=\"{1}\" "
      "viewBox=\"0 0 {0} {1}\">\n",
      figure.width, figure.height);
  svg(out, FillRect{0, 0, figure.width, figure.height, figure.background});
  for (const Shape& shape : figure.shapes) {
    if (const auto* g = std::get_if<GridRef>(&shape)) {
      svg(out, figure.grids[g->index]);
    } else if (const auto* r = std::get_if<FillRect>(&shape)) {
      svg(out, *r);
    } else {
      svg(out, std::get<TextItem>(shape));
    }
  }
  out += "</svg>\n";
  return out;
}

void write_figure(const Figure& figure, const std::string& path, const std::string& option) {
  const auto ends_with = [&](const std::string& suffix) {
    return path.size() >= suffix.size() &&
           path.compare(path.size() - suffix.size(), suffix.size(), suffix) == 0;
  };
  if (ends_with(".png")) {
    write_png(rasterize(figure), path);
  } else if (ends_with(".svg")) {
    std::ofstream file(path, std::ios::binary);
    file << to_svg(figure);
    if (!file.flush()) throw std::runtime_error("cannot write " + path);
  } else {
    throw InputError(SourceLocation{option, 0, 0}, "",
                     fmt::format("'{}': expected a file name ending in .png or .svg", path));
  }
}

}  // namespace attnbench
