#include "measure/mann_whitney.hpp"

#include <algorithm>
#include <cmath>
#include <utility>

namespace attnbench {

namespace {

constexpr std::size_t kExactLimit = 20;

// Ranks of the pooled sample (ties get their mean rank); returns the sum of a's ranks and the
// tie term sum(t^3 - t) over groups of equal values.
std::pair<double, double> rank_sum(const std::vector<double>& a, const std::vector<double>& b) {
  std::vector<std::pair<double, bool>> pooled;
  for (double x : a) pooled.emplace_back(x, true);
  for (double x : b) pooled.emplace_back(x, false);
  std::sort(pooled.begin(), pooled.end(),
            [](const auto& l, const auto& r) { return l.first < r.first; });
  double sum_a = 0, ties = 0;
  for (std::size_t i = 0; i < pooled.size();) {
    std::size_t j = i;
    while (j < pooled.size() && pooled[j].first == pooled[i].first) ++j;
    const double mean_rank = (static_cast<double>(i + 1) + static_cast<double>(j)) / 2;
    for (std::size_t k = i; k < j; ++k) {
      if (pooled[k].second) sum_a += mean_rank;
    }
    const auto t = static_cast<double>(j - i);
    ties += t * t * t - t;
    i = j;
  }
  return {sum_a, ties};
}

// P(U <= u) under the null hypothesis, from the number of arrangements with each U:
// count(m, n, k) = count(m - 1, n, k - n) + count(m, n - 1, k).
double exact_cdf(std::size_t m, std::size_t n, double u) {
  const std::size_t max_u = m * n;
  // counts[j][k]: arrangements of (i, j) values with U = k, built up over i.
  std::vector<std::vector<double>> counts(n + 1, std::vector<double>(max_u + 1, 0.0));
  for (std::size_t j = 0; j <= n; ++j) counts[j][0] = 1;
  for (std::size_t i = 1; i <= m; ++i) {
    std::vector<std::vector<double>> next(n + 1, std::vector<double>(max_u + 1, 0.0));
    next[0][0] = 1;
    for (std::size_t j = 1; j <= n; ++j) {
      for (std::size_t k = 0; k <= i * j; ++k) {
        next[j][k] = (k >= j ? counts[j][k - j] : 0.0) + next[j - 1][k];
      }
    }
    counts = std::move(next);
  }
  double below = 0, total = 0;
  for (std::size_t k = 0; k <= max_u; ++k) {
    total += counts[n][k];
    if (static_cast<double>(k) <= u) below += counts[n][k];
  }
  return below / total;
}

double normal_sf(double z) { return 0.5 * std::erfc(z / std::sqrt(2.0)); }

}  // namespace

MannWhitney mann_whitney(const std::vector<double>& a, const std::vector<double>& b) {
  MannWhitney result;
  const auto m = static_cast<double>(a.size()), n = static_cast<double>(b.size());
  if (a.empty() || b.empty()) return result;
  const auto [sum_a, ties] = rank_sum(a, b);
  result.u = sum_a - m * (m + 1) / 2;
  const double mean = m * n / 2;
  // Without ties every group of equal values has one member and sum(t^3 - t) is zero.
  if (ties == 0 && a.size() <= kExactLimit && b.size() <= kExactLimit) {
    const double low = exact_cdf(a.size(), b.size(), std::min(result.u, m * n - result.u));
    result.p_value = std::min(1.0, 2 * low);
    result.exact = true;
    return result;
  }
  const double total = m + n;
  const double variance = m * n / 12 * ((total + 1) - ties / (total * (total - 1)));
  if (variance <= 0) return result;  // every value equal: no evidence either way
  const double z = (std::abs(result.u - mean) - 0.5) / std::sqrt(variance);
  result.p_value = std::min(1.0, 2 * normal_sf(std::max(z, 0.0)));
  return result;
}

}  // namespace attnbench
