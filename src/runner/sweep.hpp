// Runs an experiment's cases into a results folder: the context line, one record per case
// appended as it finishes, then the tables and a summary.
#pragma once

#include <optional>
#include <string>

#include "config/experiment.hpp"
#include "core/case_selection.hpp"
#include "results/record.hpp"

namespace attnbench {

struct SweepOptions {
  RunMode mode = RunMode::kAll;
  std::optional<std::string> out_dir;  // none: results/<experiment>/<UTC time>; must not exist
  SelectionArgs selection;             // --case (repeatable) and --filter; empty: every case
  // A run folder, or its results.jsonl: skip its recorded cases, append the rest.
  std::optional<std::string> resume;
  // "K/N"; by default a resumed run's own share, else inside a Slurm array the task's share.
  std::optional<std::string> shard;
  std::optional<std::int64_t> memory_limit;
  bool reprobe = false;   // measure the machine probes even when the cache holds them
  bool show_ids = false;  // progress lines name cases by id (default: by label)
  std::string command_line;
};

// Returns the exit code: 0 when every case passed or was skipped, 1 otherwise (or when the
// results folder disappeared mid-run), 130 when Ctrl-C stopped it (after the running case's
// record was written), 128 + the signal when SIGTERM or SIGHUP stopped it (the running case
// discarded).
int run_sweep(const Experiment& experiment, const SweepOptions& options);

}  // namespace attnbench
