// The two-sided Mann-Whitney U test, as Google Benchmark's compare.py applies it to two sets of
// repetition times: does one tend to be larger than the other? No Debian C++ library offers it
// (Boost.Math and GSL have the distributions, not the test), so it is here, checked against
// published tables and scipy's values in the tests.
#pragma once

#include <vector>

namespace attnbench {

struct MannWhitney {
  double u = 0;        // U of the first sample
  double p_value = 1;  // two-sided
  bool exact = false;  // from the exact distribution of U (no ties, at most 20 a side)
};

// Exact when both samples have at most 20 values and no value is tied; otherwise the normal
// approximation with the tie correction and a continuity correction of 1/2.
MannWhitney mann_whitney(const std::vector<double>& a, const std::vector<double>& b);

}  // namespace attnbench
