// The scaling exponent: the least-squares slope of log median latency against log length, with
// its R², per pattern and executor (every axis of the case key but the lengths held fixed), over
// at least three lengths. Google Benchmark's complexity fit is the model; a slope of 1 is linear
// in the length, 2 quadratic.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "results/record.hpp"

namespace attnbench {

struct ScalingFit {
  double exponent = 0;
  double r2 = 0;
  int lengths = 0;
};

// (length, median ms) points, one per length; nothing below three lengths or for a point <= 0.
std::optional<ScalingFit> fit_scaling(const std::vector<std::pair<double, double>>& points);

class ScalingFits {
 public:
  explicit ScalingFits(const RunResults& results);
  // The fit of the series `r` belongs to (by its configured seq_len), if it has one.
  std::optional<ScalingFit> of(const CaseRecord* r) const;

 private:
  std::map<std::string, std::optional<ScalingFit>> fits_;
};

// "1.98 (R^2 0.99)" (ASCII, for every table format), or "-".
std::string scaling_text(std::optional<ScalingFit> fit);

}  // namespace attnbench
