// The loop of a sweep: its cells in order, each cell's executors together, and small consecutive
// cells (`interleave_cells`) timed in one interleaved window (cell_runner.hpp),
// and for every timed case its full-attention baseline (baseline.hpp), reused when the sweep or
// an earlier run of it has it, otherwise measured once and recorded with "role": "baseline".
#pragma once

#include <atomic>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "runner/case_runner.hpp"
#include "runner/cell_runner.hpp"
#include "runner/progress.hpp"
#include "runner/results_file.hpp"

namespace attnbench {

class SweepRunner {
 public:
  // `previous`: the records of the run being resumed (their ids are done, their timings reused).
  // `mode` is written into every record.
  // `show_ids`: progress lines name cases by id rather than by label.
  SweepRunner(std::vector<const Case*> cases, const CaseOptions& options, ResultsFile& file,
              const std::vector<CaseRecord>& previous, RunMode mode, bool show_ids);

  // Runs every case not yet recorded; stops between cells once `stop` is set, and discards a
  // cell that SIGTERM or SIGHUP interrupted (CaseAborted). False when the results file was
  // deleted or moved away mid-run: the sweep stops before the next cell.
  bool run(const std::atomic<bool>& stop);

  // The account of this process's cells, baselines included.
  const CellTimes& times() const { return times_; }

 private:
  std::vector<const Case*> pending_cell(const Case& c) const;  // its cases not yet recorded
  bool may_interleave(const Case& c) const;
  std::vector<std::vector<const Case*>> group_from(std::size_t first,
                                                   std::vector<std::size_t>& positions);
  // Runs `cells` (their timed rounds interleaved), records and reports them; positions[k] is
  // the index of cells[k]'s first case in the sweep. False when the results file was deleted
  // or moved away meanwhile: nothing written.
  bool run_cells_now(const std::vector<std::vector<const Case*>>& cells,
                     const std::vector<std::size_t>& positions);
  void note(const CaseRecord& r);  // done, and timed or why not
  void attach(const Case& c, CaseRecord& r);
  const CaseRecord* measured_baseline(const Case& b, bool causal);

  std::vector<const Case*> cases_;
  const CaseOptions& options_;
  ResultsFile& file_;
  std::set<std::string> done_;
  std::map<std::string, CaseRecord> timed_;                // by id: for baselines
  std::map<std::string, std::vector<const Case*>> cells_;  // cell key -> its cases
  std::map<std::string, std::string> untimed_;             // by id: why a record has no latency
  RunMode mode_;
  Progress progress_;
  CellTimes times_;
};

}  // namespace attnbench
