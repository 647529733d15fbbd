// The vectorised exp of the online softmax: within 2 ulp of exp over float's range, and exactly
// 0 for masked (-inf) scores.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "exec/fast_exp.hpp"

namespace attnbench {
namespace {

TEST(FastExp, WithinTwoUlpOverTheRange) {
  double worst = 0;
  for (float x = -87.0f; x < 88.0f; x += 0.000731f) {
    const double exact = std::exp(static_cast<double>(x));
    worst = std::max(worst, std::abs(fast_exp(x) - exact) / exact);
  }
  EXPECT_LT(worst, 2.4e-7);  // 2 ulp of float
}

TEST(FastExp, MaskedScoresContributeZero) {
  EXPECT_EQ(fast_exp(-std::numeric_limits<float>::infinity()), 0.0f);
  EXPECT_EQ(fast_exp(-100.0f), 0.0f);
  EXPECT_EQ(fast_exp(0.0f), 1.0f);
}

}  // namespace
}  // namespace attnbench
