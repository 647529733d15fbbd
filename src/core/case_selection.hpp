// Which cases a command works on: `--case ID` (repeatable) and `--filter REGEX`, shared by `run`
// (the cases to run), `report` (the records whose rows go into the views) and `compare` (the
// records compared). One implementation, so the three commands select alike.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/case_key.hpp"

namespace attnbench {

// What the command line asked for; both empty: every case.
struct SelectionArgs {
  std::vector<std::string> case_ids;  // --case, each an id (axes at their defaults may be left out)
  std::optional<std::string> filter;  // --filter, an ECMAScript regular expression
  bool empty() const { return case_ids.empty() && !filter; }
};

class CaseSelection {
 public:
  // Parses the ids and compiles the regex; throws InputError naming --case or --filter (with
  // the regex library's own error) for what cannot be parsed.
  explicit CaseSelection(const SelectionArgs& args);

  // A case is selected when it has one of the --case ids (if any are given) and the --filter
  // regex matches somewhere in its id or its label (if one is given).
  bool selects(const CaseKey& key, std::string_view label) const;
  bool selects_all() const { return keys_.empty() && !regex_; }
  // "--case A --case B --filter 'R'", for messages and the resume command.
  std::string describe() const;

 private:
  SelectionArgs args_;
  std::vector<CaseKey> keys_;
  // The compiled --filter, kept out of this header: std::regex is compiled in
  // case_selection.cpp alone (see src/core/CMakeLists.txt for why that matters).
  struct Compiled;
  std::shared_ptr<const Compiled> regex_;
};

}  // namespace attnbench
