// The comparison views of a run, each a Table built from the records alone: patterns x lengths
// (latency, speedup, GFLOP/s, GEMM fraction, memory), FLOPs, break-even lengths, mask density.
#pragma once

#include <string>
#include <vector>

#include "report/cells.hpp"
#include "report/table.hpp"
#include "results/record.hpp"

namespace attnbench {

struct NamedTable {
  std::string name;     // file stem: comparison, flops, break_even, density
  std::string caption;  // says what the figures are and how they were obtained
  Table table;
};

Table comparison_table(const RunResults& results);
Table flop_table(const RunResults& results);
Table break_even_table(const RunResults& results);
Table density_table(const std::vector<CaseRecord>& records);

std::vector<NamedTable> all_views(const RunResults& results);

}  // namespace attnbench
