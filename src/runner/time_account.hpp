// Where a run's wall time went: timed rounds, layout builds, checks, the rest of the cells' setup
// and what lies outside the cells (probes, reading the config, writing records). The run
// summary prints it, and the results' end line keeps it (`time_s`), so that the harness's
// overhead is a measured figure: wall / (timed + layout) is what the performance floor bounds.
#pragma once

#include <string>

#include "results/record.hpp"
#include "runner/cell_runner.hpp"

namespace attnbench {

// `wall_s`: this process's run, from selecting the cases to the end line.
Json time_account_json(const CellTimes& cells, double wall_s);
std::string time_account_text(const CellTimes& cells, double wall_s);

}  // namespace attnbench
