// Two runs side by side as a regression gate. Cases are matched by id (optionally with some
// axes left out); each shared case gets a verdict from a two-sided Mann-Whitney U test on the
// two runs' repetition times and the ratio of their medians: slower and faster need both a
// significant test and a ratio beyond the threshold, so noise alone does not fail a change.
#pragma once

#include <string>
#include <vector>

#include "measure/run_shift.hpp"
#include "report/table.hpp"
#include "results/record.hpp"

namespace attnbench {

struct CompareOptions {
  double threshold = 0.05;          // the least margin (see CaseComparison::margin)
  double alpha = 0.05;              // significance level of the test
  std::vector<std::string> ignore;  // axes left out of the ids that match cases
  bool show_ids = false;            // name cases by id, not by label
};

struct CaseComparison {
  std::string id;    // A's id (with the ignored axes left out)
  std::string name;  // its short name (label, length, executor), or the id when not unique
  const CaseRecord* a = nullptr;
  const CaseRecord* b = nullptr;
  std::string verdict;  // same slower faster noisy insufficient untimed only_in_a only_in_b
  std::optional<double> ratio, p_value;
  // B / A divided by the whole run's shift, when one executable ran both runs and the run
  // moved as a whole (the machine, not the code): what the verdict judges then.
  std::optional<double> net_ratio;
  // B / A must leave 1 +- margin: the largest of the threshold, cv A + cv B and the between-run
  // margin of RunShift.
  std::optional<double> margin;
};

struct Comparison {
  std::vector<CaseComparison> cases;
  std::vector<std::string> warnings;  // different machines, builds, versions or probes
  int shared = 0;
  RunShift shift;  // over the cases both runs timed
  // Equal build IDs on one host and no axis ignored: the same code ran the same cases, so a
  // shift of the whole run is the machine's.
  bool same_binary = false;
  bool run_slower = false;             // B is slower as a whole (median ratio and sign test)
  std::vector<std::string> slower;     // ids
  std::vector<std::string> regressed;  // passed in A, failed or error in B
  Table table() const;
  Json json() const;
};

// The result points into `a` and `b`, which must outlive it. Throws std::invalid_argument for an
// unknown axis in `ignore` or cases that become the same
// once those axes are left out.
Comparison compare_runs(const RunResults& a, const RunResults& b, const CompareOptions& options);

// At least this many samples a side for a verdict.
inline constexpr int kMinSamples = 5;

}  // namespace attnbench
