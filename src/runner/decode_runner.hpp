// Runs a decode cell (`pass: decode`; cases that differ only in their executor): the pattern at
// absolute positions, its cache plan (or why it cannot decode: `skipped`), each executor checked
// at sampled steps against the double-precision reference in an untimed pass of its own, then
// all of them timed in interleaved rounds, each round decoding every step from a freshly
// filled cache. Fills the records' `decode` figures.
#pragma once

#include <span>

#include "runner/case_runner.hpp"
#include "runner/cell_runner.hpp"

namespace attnbench {

// Fills the checks and timed windows of `times` and of each record's wall_ms; the caller adds
// the cell's setup.
void run_decode_cell(std::span<const Case* const> cases, std::span<CaseRecord> records,
                     const CaseOptions& options, CellTimes& times);

}  // namespace attnbench
