// Writes every generated file of a run folder from its records: table.md / table.csv (one row
// per case) and each view (comparison, flops, break_even, density) in the chosen formats. The
// same function serves `run` and `report`, so regeneration is byte for byte.
#pragma once

#include <string>
#include <vector>

#include "results/record.hpp"

namespace attnbench {

const std::vector<std::string>& all_formats();  // md, csv, json, latex

// Returns the files written. Throws std::invalid_argument for an unknown format.
std::vector<std::string> write_reports(const RunResults& results, const std::string& directory,
                                       const std::vector<std::string>& formats);

}  // namespace attnbench
