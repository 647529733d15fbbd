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

// Several cells: each prepared and checked in turn, then the timed rounds of all of them
// interleaved (timing.hpp), when every executor fits in memory at once (otherwise cell by cell).
// Each cell's records in its cases' order; `times`, when given, receives each cell's account
// (its share of the common timed window). Decode and quality cells run on their own.
std::vector<std::vector<CaseRecord>> run_cells(std::span<const std::vector<const Case*>> cells,
                                               const CaseOptions& options,
                                               std::vector<CellTimes>* times = nullptr);

// `cases` share every axis but the executor. One record per case, in the same order. `times`,
// when given, receives the cell's account.
std::vector<CaseRecord> run_cell(std::span<const Case* const> cases, const CaseOptions& options,
                                 CellTimes* times = nullptr);

}  // namespace attnbench
