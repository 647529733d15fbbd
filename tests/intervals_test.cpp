// IntervalPattern's intervals have no fixed limit: a query with many of them (a 2-D
// neighbourhood) keeps every one in its row filling, tile classification and layout.
#include <gtest/gtest.h>

#include <numeric>

#include "core/interval_pattern.hpp"
#include "core/layout.hpp"
#include "pattern_cases.hpp"

namespace attnbench::testing {
namespace {

TEST(Intervals, KeepEveryIntervalAdded) {
  Intervals intervals;
  for (Index i = 0; i < 40; ++i) intervals.add(3 * i, 3 * i + 1);
  ASSERT_EQ(intervals.size(), 40);
  const Intervals copy = intervals;
  Index i = 0;
  for (const KeyRange& r : copy) {
    EXPECT_EQ(r.begin, 3 * i);
    EXPECT_EQ(r.end, 3 * i + 1);
    ++i;
  }
  EXPECT_EQ(i, 40);
}

// Radius 8 on a 20-wide grid of 400 tokens: the query at grid row 10, column 10 sees rows 2..18,
// columns 2..18: 17 intervals of 17 keys.
TEST(Intervals, NeighbourhoodOfRadiusEightKeepsSeventeenRows) {
  const Index n = 400, q = 10 * 20 + 10;
  const auto p = make("test_grid_neighbourhood",
                      {{"width", Index{20}}, {"radius", Index{8}}, {"col_radius", Index{8}}}, n);
  std::vector<std::uint8_t> row(static_cast<std::size_t>(n));
  p->fill_row(0, q, 0, n, row.data());
  EXPECT_EQ(std::accumulate(row.begin(), row.end(), Index{0}), 17 * 17);
  EXPECT_EQ(keys_of(*p, 0, q).size(), 17u * 17u);
  const BlockLayout layout = build_layout(*p, {n, n, 16, 16}, 2);
  const std::vector<std::uint8_t> mask = expand_layout(layout, 0);
  Index pairs = 0;
  for (Index k = 0; k < n; ++k) pairs += mask[static_cast<std::size_t>(q * n + k)];
  EXPECT_EQ(pairs, 17 * 17);
}

}  // namespace
}  // namespace attnbench::testing
