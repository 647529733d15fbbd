#include "report/scaling.hpp"

#include <fmt/format.h>

#include <cmath>

namespace attnbench {

namespace {

// The series: the case key without its lengths (seq_len, and kv_len which follows it).
std::string series_key(const CaseRecord& r) { return id_without(r.key, {"seq_len", "seq_kv_len"}); }

}  // namespace

std::optional<ScalingFit> fit_scaling(const std::vector<std::pair<double, double>>& points) {
  if (points.size() < 3) return std::nullopt;
  double mx = 0, my = 0;
  for (const auto& [n, ms] : points) {
    if (n <= 0 || ms <= 0) return std::nullopt;
    mx += std::log(n), my += std::log(ms);
  }
  mx /= static_cast<double>(points.size()), my /= static_cast<double>(points.size());
  double sxx = 0, sxy = 0, syy = 0;
  for (const auto& [n, ms] : points) {
    const double x = std::log(n) - mx, y = std::log(ms) - my;
    sxx += x * x, sxy += x * y, syy += y * y;
  }
  if (sxx <= 0) return std::nullopt;
  const double slope = sxy / sxx;
  // R² = 1 - residual / total, and residual = syy - slope * sxy for a least-squares line.
  const double r2 = syy > 0 ? 1.0 - (syy - slope * sxy) / syy : 1.0;
  return ScalingFit{slope, r2, static_cast<int>(points.size())};
}

ScalingFits::ScalingFits(const RunResults& results) {
  std::map<std::string, std::map<Index, double>> series;
  std::map<std::string, bool> ambiguous;  // two records at one seq_len (kv_len swept apart)
  for (const CaseRecord& r : results.cases) {
    if (r.is_baseline || !r.latency_ms) continue;
    const std::string key = series_key(r);
    ambiguous[key] |= !series[key].emplace(r.key.seq_len, r.latency_ms->median).second;
  }
  for (const auto& [key, points] : series) {
    std::vector<std::pair<double, double>> xy;
    for (const auto& [n, ms] : points) xy.emplace_back(static_cast<double>(n), ms);
    fits_[key] = ambiguous[key] ? std::nullopt : fit_scaling(xy);
  }
}

std::optional<ScalingFit> ScalingFits::of(const CaseRecord* r) const {
  if (r == nullptr) return std::nullopt;
  const auto found = fits_.find(series_key(*r));
  return found == fits_.end() ? std::nullopt : found->second;
}

std::string scaling_text(std::optional<ScalingFit> fit) {
  return fit ? fmt::format("{:.2f} (R^2 {:.2f})", fit->exponent, fit->r2) : "-";
}

}  // namespace attnbench
