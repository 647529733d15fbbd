// The few lines a run ends with: one row per pattern at the longest length it ran, sorted by
// its speedup against full attention; the full table stays in table.md.
#pragma once

#include "report/table.hpp"
#include "results/record.hpp"

namespace attnbench {

// Columns: pattern (its label, cut to fit), length, median ms, speedup vs full, element density,
// peak MiB. Rows: the sparse executor's successful cases (the other executor's where a pattern
// has no sparse case), one per label and dtype.
Table run_summary(const RunResults& results);

// The summary as text of at most 100 columns, with a line saying what the figures are.
std::string render_run_summary(const RunResults& results);

}  // namespace attnbench
