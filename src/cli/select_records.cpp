// `report` and `compare` with --case and --filter: the records of a run, narrowed before any
// view or comparison sees them, so neither needs to know about selection.
#include <fmt/format.h>

#include <algorithm>

#include "cli/commands.hpp"

namespace attnbench {

RunResults select_records(RunResults results, const SelectionArgs& args, const std::string& run) {
  if (args.empty()) return results;
  const CaseSelection selection(args);
  const auto dropped = [&](const CaseRecord& r) {
    return !r.is_baseline && !selection.selects(r.key, r.label);
  };
  std::erase_if(results.cases, dropped);
  if (std::none_of(results.cases.begin(), results.cases.end(),
                   [](const CaseRecord& r) { return !r.is_baseline; })) {
    throw InputError(SourceLocation{args.filter ? "--filter" : "--case", 0, 0}, "",
                     fmt::format("no case of {} is selected by {}", run, selection.describe()));
  }
  return results;
}

}  // namespace attnbench
