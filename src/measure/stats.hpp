// Summary statistics of repeated timings: median, min, max, mean and sample standard deviation.
#pragma once

#include <vector>

namespace attnbench {

struct TimingSummary {
  double median = 0, min = 0, max = 0, mean = 0, stddev = 0;
  int repetitions = 0;
};

TimingSummary summarize(std::vector<double> samples);

}  // namespace attnbench
