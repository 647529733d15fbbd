// What a sweep says while it runs: a line per finished case (its label, or its id with --ids),
// and on a terminal a status line with the time remaining, predicted from the cases' costs.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "core/case.hpp"
#include "results/record.hpp"

namespace attnbench {

class Progress {
 public:
  Progress(const std::vector<const Case*>& cases, bool show_ids);

  void starting(std::size_t index, const Case& c);
  void finished(std::size_t index, const CaseRecord& r) const;

 private:
  using Clock = std::chrono::steady_clock;
  double seconds() const;
  std::vector<double> cost_before_;  // predicted cost of the cases before each index
  std::size_t total_;
  Clock::time_point start_;
  bool tty_, show_ids_;
  std::size_t first_index_ = 0;  // the first case this process ran (a resumed run skips some)
  bool started_ = false;
};

}  // namespace attnbench
