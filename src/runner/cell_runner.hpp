// Runs the executors of one cell (cases that differ only in their executor) together: one mask,
// each executor checked and its peak memory taken in an untimed pass of its own, then all of
// them timed in interleaved rounds (timing.hpp). Every outcome becomes a record's status.
#pragma once

#include <span>
#include <vector>

#include "runner/case_runner.hpp"

namespace attnbench {

// `cases` share every axis but the executor. One record per case, in the same order.
std::vector<CaseRecord> run_cell(std::span<const Case* const> cases, const CaseOptions& options);

}  // namespace attnbench
