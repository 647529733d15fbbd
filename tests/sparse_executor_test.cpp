// The sparse executor at the head sizes it is measured with (32, 64, 128), with ragged lengths,
// q_len != kv_len, grouped-query heads and rows that see no key, against the reference.
#include <gtest/gtest.h>

#include <cmath>

#include "core/layout.hpp"
#include "core/layout_stats.hpp"
#include "exec/executor.hpp"
#include "exec/reference.hpp"
#include "pattern_cases.hpp"

namespace attnbench::testing {
namespace {

class SparseHeadDim : public ::testing::TestWithParam<Index> {};

TEST_P(SparseHeadDim, MatchesReferenceOnRaggedRectangularGqa) {
  const Index d = GetParam();
  // bottom_right causal window with kv < q: the first rows see no key at all.
  const auto pattern =
      make("sliding_window",
           {{"radius", Index{40}}, {"causal", true}, {"align", std::string("bottom_right")}}, 301,
           250, 4);
  const Problem problem{2, 4, 2, 301, 250, d, 2};
  const Tensors in = random_inputs(problem, 9);
  const BlockLayout layout = build_layout(*pattern, {301, 250, 64, 48}, 2);
  EXPECT_EQ(compute_stats(layout, 4).empty_rows(), 4 * 51);
  std::vector<float> out(problem.q_elements(), NAN);
  make_executor(ExecutorKind::kSparse, problem, layout)->run(in, out.data());
  for (Index b = 0; b < 2; ++b) {
    for (Index h = 0; h < 4; ++h) {
      const std::vector<double> ref =
          reference_rows(*pattern, problem, in, b, h, sample_rows(301, 301));
      for (std::size_t i = 0; i < ref.size(); ++i) {
        ASSERT_NEAR(out[q_offset(problem, b, h) + i], ref[i], 1e-4)
            << "b" << b << " h" << h << " at " << i;
      }
      EXPECT_EQ(out[q_offset(problem, b, h)], 0.0f);  // row 0 has no key: zeros
    }
  }
}

INSTANTIATE_TEST_SUITE_P(HeadDims, SparseHeadDim, ::testing::Values(32, 64, 128));

}  // namespace
}  // namespace attnbench::testing
