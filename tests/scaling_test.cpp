// The scaling exponent: exact on a power law, absent below three lengths, and in the comparison
// view per pattern and executor (the recorded run of tests/plot/run: three lengths each).
#include <gtest/gtest.h>

#include <algorithm>

#include "report/scaling.hpp"
#include "report/views.hpp"

namespace attnbench {
namespace {

TEST(Scaling, ExactOnAPowerLaw) {
  const auto fit = fit_scaling({{256, 1.0}, {512, 4.0}, {1024, 16.0}});
  ASSERT_TRUE(fit);
  EXPECT_NEAR(fit->exponent, 2.0, 1e-12);
  EXPECT_NEAR(fit->r2, 1.0, 1e-12);
  EXPECT_EQ(fit->lengths, 3);
  EXPECT_EQ(scaling_text(fit), "2.00 (R^2 1.00)");
}

TEST(Scaling, NoisyAndMissing) {
  const auto fit = fit_scaling({{1, 1.0}, {2, 2.5}, {4, 3.0}, {8, 9.0}});
  ASSERT_TRUE(fit);
  EXPECT_GT(fit->exponent, 0.9);
  EXPECT_LT(fit->exponent, 1.1);
  EXPECT_GT(fit->r2, 0.8);
  EXPECT_LT(fit->r2, 1.0);
  EXPECT_FALSE(fit_scaling({{256, 1.0}, {512, 4.0}}));
  EXPECT_FALSE(fit_scaling({{256, 1.0}, {512, 0.0}, {1024, 2.0}}));
  EXPECT_EQ(scaling_text(std::nullopt), "-");
}

TEST(Scaling, InTheComparisonView) {
  const RunResults run =
      read_results(std::string(ATTNBENCH_SOURCE_DIR) + "/tests/plot/run/results.jsonl");
  const Table t = comparison_table(run);
  const auto col = [&](const std::string& name) {
    const auto at = std::find(t.headers.begin(), t.headers.end(), name);
    EXPECT_NE(at, t.headers.end()) << name;
    return static_cast<std::size_t>(at - t.headers.begin());
  };
  const std::size_t sparse = col("sparse exponent"), pattern = col("pattern");
  const std::size_t masked = t.headers.size() - 1;
  ASSERT_EQ(t.rows.size(), 9u);  // 3 patterns x 3 lengths
  for (const auto& row : t.rows) {
    ASSERT_NE(row[sparse], "-") << row[pattern];
    ASSERT_NE(row[masked], "-") << row[pattern];
    for (const auto& other : t.rows) {
      if (other[pattern] == row[pattern]) {
        EXPECT_EQ(other[sparse], row[sparse]);
      }
    }
    // The masked dense executor computes all n^2 scores: it scales faster than a window.
    if (row[pattern].starts_with("sliding_window")) {
      EXPECT_LT(std::stod(row[sparse]), std::stod(row[masked]) - 0.5);
    }
  }
}

}  // namespace
}  // namespace attnbench
