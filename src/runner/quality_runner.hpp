// The quality figures in a run: `--mode quality` (one record per cell, executor `reference`,
// nothing timed) and `quality: true` in modes check and all (the same object copied into each
// executor's record). Also writes a content-dependent pattern's decisions next to the record.
#pragma once

#include <string>
#include <vector>

#include "core/case.hpp"
#include "core/prepare_mask.hpp"
#include "exec/problem.hpp"
#include "results/record.hpp"
#include "runner/case_runner.hpp"

namespace attnbench {

// One case per cell (the first executor's), with executor `reference`, in the cells' order.
std::vector<Case> quality_cases(const std::vector<Case>& cases);

// --mode quality: the record of a reference case.
CaseRecord run_quality_case(const Case& c, const CaseOptions& options);

// The quality of a case whose record holds its mask figures, or its quality_reason.
void set_quality(CaseRecord& r, const Case& c, const PreparedMask& mask, const Problem& problem,
                 const Tensors& inputs);

// Writes the prepared pattern's decisions to RUN_DIR/decisions/ (a content-dependent pattern
// that records them, and a run folder) and names the file in `r.decisions`.
void write_decisions(CaseRecord& r, const Pattern& pattern, const std::string& run_dir);

}  // namespace attnbench
