#include "cli/config_cases.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <charconv>
#include <set>

#include "core/case_selection.hpp"

namespace attnbench {

namespace {

// At most this many ids in a refusal; the rest are counted (`run --mode list --ids` has all).
constexpr std::size_t kListedIds = 40;

// Cases that differ only in these axes build one mask: a cell's executors share the mask `run`
// builds once, and the thread count changes how fast a layout is built, not what it holds.
// Every other axis may change it (a content-dependent pattern decides from the inputs, which
// head_dim, batch and dtype change).
const std::vector<std::string> kSameMask = {"executor", "threads"};

[[noreturn]] void refuse(const std::string& option, const std::string& what) {
  throw InputError(SourceLocation{option, 0, 0}, "", what);
}

std::string listed_labels(const Experiment& experiment) {
  std::vector<std::string> labels;
  for (const std::string& label : experiment.entry_labels) {
    if (!label.empty()) labels.push_back("'" + label + "'");
  }
  return labels.empty() ? "no entry has a label:"
                        : fmt::format("labels: {}", fmt::join(labels, ", "));
}

// One id a line, with the command that picks each.
std::string id_list(const std::vector<const Case*>& cases) {
  std::string text;
  for (std::size_t i = 0; i < cases.size() && i < kListedIds; ++i)
    text += fmt::format("\n  --case '{}'", cases[i]->id());
  if (cases.size() > kListedIds) {
    text += fmt::format("\n  ... and {} more (attnbench run CONFIG --mode list --ids lists them)",
                        cases.size() - kListedIds);
  }
  return text;
}

}  // namespace

std::size_t entry_index(const Experiment& experiment, const std::string& entry) {
  const std::size_t count = experiment.entry_labels.size();
  std::size_t index = 0;
  const auto [end, error] = std::from_chars(entry.data(), entry.data() + entry.size(), index);
  if (error == std::errc() && end == entry.data() + entry.size()) {
    if (index < count) return index;
    refuse("--entry", fmt::format("no entry {} in {}: patterns: has {} (0 to {})", entry,
                                  experiment.config_path, count, count - 1));
  }
  for (std::size_t i = 0; i < count; ++i) {
    if (experiment.entry_labels[i] == entry) return i;
  }
  refuse("--entry",
         fmt::format("'{}' is neither an index into patterns: (0 to {}) nor the label: "
                     "of an entry of {} ({})",
                     entry, count - 1, experiment.config_path, listed_labels(experiment)));
}

std::vector<const Case*> chosen_cases(const Experiment& experiment, const CaseChoice& choice) {
  const std::optional<std::size_t> entry =
      choice.entry ? std::optional(entry_index(experiment, *choice.entry)) : std::nullopt;
  const CaseSelection selection(SelectionArgs{choice.case_ids, std::nullopt});
  std::vector<const Case*> cases;
  for (const Case& c : experiment.cases) {
    if (entry && c.entry != *entry) continue;
    if (selection.selects(c.key, c.label)) cases.push_back(&c);
  }
  if (cases.empty()) {
    const std::string where = entry ? fmt::format("entry {} of {}", *entry, experiment.config_path)
                                    : experiment.config_path;
    refuse(choice.case_ids.empty() ? "--entry" : "--case",
           fmt::format("{} has no case {} (attnbench run CONFIG --mode list --ids lists the ids)",
                       where, fmt::join(choice.case_ids, " or ")));
  }
  return cases;
}

const Case& one_case(const Experiment& experiment, const CaseChoice& choice) {
  const std::vector<const Case*> cases = chosen_cases(experiment, choice);
  std::set<std::string> masks;
  for (const Case* c : cases) masks.insert(id_without(c->key, kSameMask));
  if (masks.size() > 1) {
    const std::string what = choice.entry
                                 ? fmt::format("entry {}", *choice.entry)
                                 : (choice.case_ids.empty() ? "the config" : "the --case ids");
    refuse(choice.case_ids.empty() ? (choice.entry ? "--entry" : "--config") : "--case",
           fmt::format("{} expands to {} cases with {} different masks; choose one with --case:{}",
                       what, cases.size(), masks.size(), id_list(cases)));
  }
  const Case& c = *cases.front();
  if (!c.skip_reason.empty()) refuse("--case", fmt::format("case {}: {}", c.id(), c.skip_reason));
  return c;
}

void keep_chosen(Experiment& experiment, const CaseChoice& choice) {
  if (choice.empty()) return;
  std::vector<Case> kept;
  for (const Case* c : chosen_cases(experiment, choice)) kept.push_back(*c);
  experiment.cases = std::move(kept);
}

}  // namespace attnbench
