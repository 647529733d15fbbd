// A pattern registered only in the unit-test binary, so that the conformance suite covers a
// query with more than 16 key intervals (Intervals once kept 16 and dropped the rest): tokens
// laid out row-major on a grid `width` wide, each query seeing the keys within `radius` grid
// rows and `col_radius` columns of it, a 2-D neighbourhood (image or video patches). Its
// predicate is written directly, not from the intervals, so a dropped interval is a failure.
#include <algorithm>
#include <cstdlib>

#include "core/interval_pattern.hpp"
#include "core/registry.hpp"

namespace attnbench {
namespace {

class GridNeighbourhood final : public IntervalPattern {
 public:
  GridNeighbourhood(const Geometry& g, const ParamValues& p)
      : IntervalPattern(g),
        width_(p.get_int("width")),
        radius_(p.get_int("radius")),
        col_radius_(p.get_int("col_radius")) {}

  bool allows(int, Index q, Index k) const override {
    return std::abs(q / width_ - k / width_) <= radius_ &&
           std::abs(q % width_ - k % width_) <= col_radius_;
  }

  // One interval per grid row within reach: 2 * radius + 1 of them away from the edges.
  void key_intervals(int, Index q, Intervals& out) const override {
    const Index row = q / width_, col = q % width_;
    for (Index r = std::max<Index>(row - radius_, 0); r <= row + radius_; ++r) {
      out.add(r * width_ + std::max<Index>(col - col_radius_, 0),
              r * width_ + std::min(col + col_radius_, width_ - 1) + 1);
    }
  }

 private:
  Index width_, radius_, col_radius_;
};

const bool kRegistered = register_pattern({
    .name = "test_grid_neighbourhood",
    .summary =
        "2-D neighbourhood on a row-major grid: 2 * radius + 1 intervals a query (tests only)",
    .params = {{.name = "width",
                .type = ParamType::kInt,
                .default_value = Index{5},
                .help = "grid columns",
                .min = 1},
               {.name = "radius",
                .type = ParamType::kInt,
                .default_value = Index{8},
                .help = "grid rows on each side"},
               {.name = "col_radius",
                .type = ParamType::kInt,
                .default_value = Index{1},
                .help = "grid columns on each side"}},
    .make = [](const Geometry& g,
               const ParamValues& p) { return std::make_unique<GridNeighbourhood>(g, p); },
    .examples = {{{"width", Index{20}}, {"radius", Index{8}}, {"col_radius", Index{8}}},
                 {{"width", Index{3}}, {"radius", Index{30}}, {"col_radius", Index{0}}}},
});

}  // namespace
}  // namespace attnbench
