// Runs the executors of one cell (cases that differ only in their executor) together: one mask,
// each executor checked and its peak memory taken in an untimed pass of its own, then all of
// them timed in interleaved rounds (timing.hpp). Every outcome becomes a record's status.
#pragma once

#include <span>
#include <vector>

#include "runner/case_runner.hpp"

namespace attnbench {

// Where a cell's wall time went, in milliseconds; summed over a sweep's cells, it is the account
// of the run's time that the run summary prints.
struct CellTimes {
  double setup = 0;   // everything but checks and timed windows (layout_ms included)
  double layout = 0;  // building the block layout
  double check = 0;   // the executors' untimed check passes
  double timed = 0;   // warm-ups, timed rounds and canaries
  CellTimes& operator+=(const CellTimes& other);
};

// `cases` share every axis but the executor. One record per case, in the same order. `times`,
// when given, receives the cell's account.
std::vector<CaseRecord> run_cell(std::span<const Case* const> cases, const CaseOptions& options,
                                 CellTimes* times = nullptr);

}  // namespace attnbench
