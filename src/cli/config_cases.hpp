// `--entry K` and `--case ID` of `mask`, `density` and `gallery` on a config: which of its cases
// a command draws or counts. One implementation, so that the three commands choose alike.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "config/experiment.hpp"

namespace attnbench {

struct CaseChoice {
  std::optional<std::string> entry;   // --entry: an index into `patterns:`, or an entry's label
  std::vector<std::string> case_ids;  // --case, each an id (axes at their defaults may be left out)
  bool empty() const { return !entry && case_ids.empty(); }
};

// The index of the entry `entry` names: a 0-based index into `patterns:` (as in `--set
// patterns.K`), else an entry's `label:`. Throws InputError naming --entry, with the range and
// the labels, when it names none.
std::size_t entry_index(const Experiment& experiment, const std::string& entry);

// The cases of `experiment` that `choice` names (every case when it names nothing), sweep points
// the pattern cannot take included. Throws InputError naming --entry or --case when that leaves
// no case.
std::vector<const Case*> chosen_cases(const Experiment& experiment, const CaseChoice& choice);

// The one mask `choice` names: its case. Cases that differ only in their executor or thread
// count have one mask, and the first of them stands for it. Throws
// InputError, listing the ids to choose from with --case, when the choice holds several masks,
// and with the reason when the case is a sweep point the pattern cannot take.
const Case& one_case(const Experiment& experiment, const CaseChoice& choice);

// `experiment` with only the cases `choice` names (density and gallery on part of a config).
void keep_chosen(Experiment& experiment, const CaseChoice& choice);

}  // namespace attnbench
