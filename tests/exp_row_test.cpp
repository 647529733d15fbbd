// The softmax's row exponential (AVX-512 intrinsics where the build has them) against the
// portable loop over fast_exp, and against exp in double precision.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>
#include <vector>

#include "exec/exp_row.hpp"

namespace attnbench {
namespace {

constexpr float kInfinity = std::numeric_limits<float>::infinity();

// Scores over the range a softmax sees, with masked (-inf) entries and a NaN-free tail that is
// not a multiple of the vector width.
std::vector<float> scores(std::size_t count) {
  std::mt19937 gen(7);
  std::uniform_real_distribution<float> value(-120.0f, 3.0f);
  std::vector<float> s(count);
  for (std::size_t i = 0; i < count; ++i) s[i] = i % 11 == 3 ? -kInfinity : value(gen);
  return s;
}

TEST(ExpRow, MatchesTheExactExpAndThePortableLoop) {
  for (const std::int64_t cols : {1, 15, 16, 17, 64, 333, 512}) {
    const std::vector<float> source = scores(static_cast<std::size_t>(cols));
    std::vector<float> fast = source, portable = source;
    const float shift = 2.5f;
    const float fast_sum = exp_row(fast.data(), cols, shift);
    const float portable_sum = exp_row_portable(portable.data(), cols, shift);
    double exact_sum = 0.0;
    for (std::size_t c = 0; c < source.size(); ++c) {
      // The subtraction rounds in float in both; exp is judged on the rounded argument.
      const double x = static_cast<double>(source[c] - shift);
      const double exact = x < -87.3 ? 0.0 : std::exp(x);
      exact_sum += exact;
      EXPECT_NEAR(fast[c], exact, 2.4e-7 * exact) << "cols " << cols << ", x " << x;
      EXPECT_NEAR(fast[c], portable[c], 2.4e-7 * std::abs(portable[c])) << "x " << x;
    }
    EXPECT_NEAR(fast_sum, exact_sum, 1e-6 * exact_sum) << "cols " << cols;
    EXPECT_NEAR(fast_sum, portable_sum, 1e-6 * portable_sum) << "cols " << cols;
  }
}

TEST(ExpRow, MaskedScoresGiveExactlyZeroAndNanStaysNan) {
  std::vector<float> s = {-kInfinity, -100.0f, -87.31f, 0.0f, std::nanf(""), -kInfinity};
  exp_row(s.data(), static_cast<std::int64_t>(s.size()), 0.0f);
  EXPECT_EQ(s[0], 0.0f);
  EXPECT_EQ(s[1], 0.0f);
  EXPECT_EQ(s[2], 0.0f);
  EXPECT_EQ(s[3], 1.0f);
  EXPECT_TRUE(std::isnan(s[4]));
  EXPECT_EQ(s[5], 0.0f);
}

TEST(ExpRow, LeavesTheEntriesPastTheRowAlone) {
  // Past the row a sentinel that the row's own values (exp(1 - 1) = 1) cannot be mistaken for.
  std::vector<float> s(40, 5.0f);
  std::fill_n(s.begin(), 21, 1.0f);
  const float sum = exp_row(s.data(), 21, 1.0f);
  for (std::size_t c = 0; c < 21; ++c) EXPECT_EQ(s[c], 1.0f);
  for (std::size_t c = 21; c < s.size(); ++c) EXPECT_EQ(s[c], 5.0f) << "wrote past the row: " << c;
  EXPECT_EQ(sum, 21.0f) << "the sum took lanes past the row";
}

TEST(ExpRow, ClampsLargeArgumentsAsFastExpDoes) {
  std::vector<float> s = {100.0f, 88.3f, std::numeric_limits<float>::infinity()};
  std::vector<float> portable = s;
  exp_row(s.data(), 3, 0.0f);
  exp_row_portable(portable.data(), 3, 0.0f);
  for (std::size_t c = 0; c < s.size(); ++c) {
    EXPECT_TRUE(std::isfinite(s[c])) << c;
    EXPECT_NEAR(s[c], portable[c], 2.4e-7 * portable[c]) << c;
  }
}

}  // namespace
}  // namespace attnbench
