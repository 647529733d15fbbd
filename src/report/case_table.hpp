// The per-case table of a run (table.md, table.csv): latency, speedup over the dense executor on
// the same cell, the three FLOP figures, GFLOP/s, densities, memory and accuracy.
#pragma once

#include "report/table.hpp"
#include "results/record.hpp"

namespace attnbench {

Table case_table(const RunResults& results);

// Writes table.md and table.csv into `directory` (overwriting them) and returns the Markdown.
std::string write_case_tables(const RunResults& results, const std::string& directory);

// A compact "radius=128 causal=true" form of a record's parameters.
std::string params_text(const Json& params);

}  // namespace attnbench
