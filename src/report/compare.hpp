// Two runs side by side: the cases both hold (matched by id), their median latencies and the
// ratio B / A. A case slower than 1 + threshold fails the comparison, so it can gate a change.
#pragma once

#include <string>
#include <vector>

#include "report/table.hpp"
#include "results/record.hpp"

namespace attnbench {

struct Comparison {
  Table table;
  std::vector<std::string> slower;    // ids of the cases B ran slower than allowed
  std::vector<std::string> warnings;  // different machines, libraries or compilers
  int only_a = 0, only_b = 0;         // cases one run has and the other does not
};

Comparison compare_runs(const RunResults& a, const RunResults& b, double threshold);

}  // namespace attnbench
