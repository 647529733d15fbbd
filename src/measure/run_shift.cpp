#include "measure/run_shift.hpp"

#include <algorithm>
#include <cmath>

namespace attnbench {

namespace {

double median_of(std::vector<double> v) {
  const std::size_t mid = v.size() / 2;
  std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(mid), v.end());
  const double upper = v[mid];
  if (v.size() % 2 == 1) return upper;
  return (upper + *std::max_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(mid))) / 2;
}

// P(X >= k) for X ~ Binomial(n, 1/2), summed in logs so that large n does not overflow.
double binomial_half_upper_tail(int n, int k) {
  double sum = 0;
  for (int i = k; i <= n; ++i) {
    sum += std::exp(std::lgamma(n + 1.0) - std::lgamma(i + 1.0) - std::lgamma(n - i + 1.0) -
                    n * std::log(2.0));
  }
  return sum;
}

double sign_test(const std::vector<double>& log_ratios) {
  int up = 0, down = 0;
  for (double x : log_ratios) {
    up += x > 0;
    down += x < 0;
  }
  const int n = up + down;
  if (n == 0) return 1;
  return std::min(1.0, 2 * binomial_half_upper_tail(n, std::max(up, down)));
}

}  // namespace

double normal_upper_quantile(double p) {
  double low = -40, high = 40;  // P(Z > z) falls from 1 to 0 over this range
  for (int i = 0; i < 200; ++i) {
    const double mid = (low + high) / 2;
    (0.5 * std::erfc(mid / std::sqrt(2.0)) > p ? low : high) = mid;
  }
  return (low + high) / 2;
}

RunShift run_shift(const std::vector<double>& ratios, double alpha) {
  RunShift out;
  std::vector<double> logs;
  for (double r : ratios) {
    if (r > 0 && std::isfinite(r)) logs.push_back(std::log(r));
  }
  out.cases = static_cast<int>(logs.size());
  if (logs.empty()) return out;
  const double centre = median_of(logs);
  out.median_ratio = std::exp(centre);
  out.sign_p = sign_test(logs);
  if (out.cases < kMinCasesForSpread) return out;
  std::vector<double> deviations;
  for (double x : logs) deviations.push_back(std::abs(x - centre));
  out.spread = 1.4826 * median_of(deviations);
  const double z = normal_upper_quantile(alpha / (2.0 * out.cases));
  out.case_margin = std::exp(z * *out.spread) - 1;
  return out;
}

}  // namespace attnbench
