// 2-D neighbourhood attention (NATTEN, as attention-gym's `generate_natten` writes it): tokens
// are a height x width image in row-major order; each query sees a kernel_h x kernel_w window of
// its pixel's neighbours, the window's centre clamped so that a query near the border still sees
// a full kernel. With dilation d the image splits into d x d interleaved sub-grids (pixels equal
// mod d along each axis) and the window, clamped the same way, lives in the query's sub-grid.
// `causal` further keeps only keys at or before the query in token order.
#include <fmt/format.h>

#include <algorithm>

#include <attnbench/common_params.hpp>
#include <attnbench/errors.hpp>
#include <attnbench/interval_pattern.hpp>
#include <attnbench/registry.hpp>

namespace attnbench {
namespace {

// One axis: the sub-grid coordinates [first, last] a query coordinate reaches.
struct AxisWindow {
  Index first, last;
};

AxisWindow window_on_axis(Index x, Index extent, Index kernel, Index dilation) {
  const Index sub = x % dilation, pos = x / dilation;
  const Index sub_extent = (extent - sub + dilation - 1) / dilation;  // pixels of the sub-grid
  const Index half = kernel / 2;
  // attention-gym's clamp(min, max) is min(max(x, min), max): a sub-grid smaller than the
  // kernel puts the centre at its far end, and the window then covers all of it.
  const Index centre = std::min(std::max(pos, half), sub_extent - 1 - half);
  return {std::max<Index>(centre - half, 0), std::min(centre + half, sub_extent - 1)};
}

class Neighborhood2d final : public IntervalPattern {
 public:
  Neighborhood2d(const Geometry& g, const ParamValues& p)
      : IntervalPattern(g),
        width_(p.get_int("width")),
        kernel_h_(p.get_int("kernel_h")),
        kernel_w_(p.get_int("kernel_w")),
        dilation_(p.get_int("dilation")),
        causal_(p.get_bool("causal")) {
    height_ = p.get_int("height") > 0 ? p.get_int("height") : g.q_len / width_;
    if (!is_square(g) || height_ * width_ != g.q_len) {
      throw ParamError(p.get_int("height") > 0 ? "height" : "width",
                       fmt::format("an image of {} x {} = {} tokens, the sequence has {} queries "
                                   "and {} keys (square, top_left)",
                                   height_, width_, height_ * width_, g.q_len, g.kv_len));
    }
    if (kernel_h_ % 2 == 0) throw ParamError("kernel_h", "NATTEN kernels are odd");
    if (kernel_w_ % 2 == 0) throw ParamError("kernel_w", "NATTEN kernels are odd");
  }

  // One interval per key pixel run: a whole window row when the dilation is 1.
  void key_intervals(int, Index q, Intervals& out) const override {
    const AxisWindow rows = window_on_axis(q / width_, height_, kernel_h_, dilation_);
    const AxisWindow cols = window_on_axis(q % width_, width_, kernel_w_, dilation_);
    const Index row_sub = (q / width_) % dilation_, col_sub = (q % width_) % dilation_;
    const Index end = causal_ ? q + 1 : height_ * width_;
    for (Index r = rows.first; r <= rows.last; ++r) {
      const Index row_start = (r * dilation_ + row_sub) * width_;
      if (dilation_ == 1) {
        out.add(row_start + cols.first, std::min(row_start + cols.last + 1, end));
        continue;
      }
      for (Index c = cols.first; c <= cols.last; ++c) {
        const Index key = row_start + c * dilation_ + col_sub;
        if (key < end) out.add(key, key + 1);
      }
    }
  }

  // Every query sees min(kernel, sub-grid extent) pixels along each axis; without dilation and
  // causality that is the same for every query.
  std::optional<Index> closed_form_pairs(int) const override {
    if (causal_ || dilation_ != 1) return std::nullopt;
    return height_ * width_ * std::min(kernel_h_, height_) * std::min(kernel_w_, width_);
  }

 private:
  Index width_, kernel_h_, kernel_w_, dilation_;
  Index height_ = 0;
  bool causal_;
};

ParamSpec int_param(std::string name, Index value, std::string help, Index min = 1) {
  return {.name = std::move(name),
          .type = ParamType::kInt,
          .default_value = value,
          .help = std::move(help),
          .min = min};
}

const bool kRegistered = register_pattern({
    .name = "neighborhood_2d",
    .summary = "2-D neighbourhood attention (NATTEN, attention-gym): a kernel_h x kernel_w window "
               "on a height x width image, its centre clamped inside the image",
    .params = {int_param("height", 0, "image rows; 0: seq_len / width", 0),
               int_param("width", 8, "image columns, tokens in row-major order"),
               int_param("kernel_h", 3, "window rows, odd"),
               int_param("kernel_w", 3, "window columns, odd"),
               int_param("dilation", 1, "sub-grid step along both axes"),
               causal_param(false, "also keep only keys at or before the query in token order")},
    .make = [](const Geometry& g,
               const ParamValues& p) { return std::make_unique<Neighborhood2d>(g, p); },
    .examples =
        {{{"width", Index{4}}, {"kernel_w", Index{5}}},
         {{"width", Index{8}}, {"kernel_w", Index{5}}, {"dilation", Index{2}}, {"causal", true}},
         {{"width", Index{10}}, {"kernel_h", Index{7}}, {"kernel_w", Index{7}}},
         {{"height", Index{4}}, {"width", Index{16}}, {"dilation", Index{3}}}},
    .square_only = true,
});

}  // namespace
}  // namespace attnbench
