// How two runs of a sweep differ as a whole, read from their shared cases' median ratios B / A.
// Repetitions inside one run share its state (clock, memory placement, neighbours), so their
// spread understates how far a case moves from one run to the next; the cases of a pair of runs
// show that between-run spread, as long as most of them did not really change (an empirical
// null, as in Efron's large-scale testing).
#pragma once

#include <optional>
#include <vector>

namespace attnbench {

struct RunShift {
  int cases = 0;
  double median_ratio = 1;
  double sign_p = 1;  // two-sided sign test: did more cases move one way than chance allows?
  // 1.4826 x the median absolute deviation of log(B / A) around its median: a standard
  // deviation that the cases which really changed (fewer than half) do not inflate.
  std::optional<double> spread;
  // A single case must move beyond exp(z * spread) - 1 to be told from that spread, z the
  // two-sided normal quantile at alpha / cases (Bonferroni: one false alarm in 1 / alpha runs).
  std::optional<double> case_margin;
};

// Below this many cases the spread is not estimated.
inline constexpr int kMinCasesForSpread = 8;

RunShift run_shift(const std::vector<double>& ratios, double alpha);

// The z with P(Z > z) = p for a standard normal Z (0 < p < 1).
double normal_upper_quantile(double p);

}  // namespace attnbench
