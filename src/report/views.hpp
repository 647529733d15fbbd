// The views of a run, each built from the records alone: the per-case table, patterns x lengths
// (latency, speedup, GFLOP/s, GEMM fraction, memory), FLOPs, break-even lengths, mask density,
// and the decode and quality views when the run holds such records.
#pragma once

#include <string>
#include <vector>

#include "report/cells.hpp"
#include "report/view.hpp"
#include "results/record.hpp"

namespace attnbench {

NamedTable case_view(const RunResults& results);  // table.*: one row per record
NamedTable comparison_view(const RunResults& results);
NamedTable flop_view(const RunResults& results);
NamedTable break_even_view(const RunResults& results);
// One row per distinct mask (and per head where heads differ); `density` also serves
// `attnbench density`, which has no run.
NamedTable density_view(const std::vector<CaseRecord>& records);

// Their human tables alone.
inline Table comparison_table(const RunResults& results) { return comparison_view(results).table; }
inline Table flop_table(const RunResults& results) { return flop_view(results).table; }
inline Table break_even_table(const RunResults& results) { return break_even_view(results).table; }
inline Table density_table(const std::vector<CaseRecord>& records) {
  return density_view(records).table;
}

// Every view the run has, table first.
std::vector<NamedTable> all_views(const RunResults& results);

}  // namespace attnbench
