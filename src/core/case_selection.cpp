#include "core/case_selection.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <regex>
#include <stdexcept>

#include "core/errors.hpp"

namespace attnbench {

namespace {

std::string shell_quoted(const std::string& text) {
  std::string quoted = "'";
  for (char c : text) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return quoted + "'";
}

}  // namespace

struct CaseSelection::Compiled {
  std::regex regex;
};

CaseSelection::CaseSelection(const SelectionArgs& args) : args_(args) {
  for (const std::string& id : args.case_ids) {
    try {
      keys_.push_back(parse_case_id(id));
    } catch (const std::invalid_argument& e) {
      throw InputError(SourceLocation{"--case", 0, 0}, "", e.what());
    }
  }
  if (!args.filter) return;
  try {
    regex_ = std::make_shared<const Compiled>(
        Compiled{std::regex(*args.filter, std::regex::ECMAScript)});
  } catch (const std::regex_error& e) {
    throw InputError(
        SourceLocation{"--filter", 0, 0}, "",
        fmt::format("'{}' is not a regular expression (ECMAScript): {}", *args.filter, e.what()));
  }
}

bool CaseSelection::selects(const CaseKey& key, std::string_view label) const {
  if (!keys_.empty() && std::find(keys_.begin(), keys_.end(), key) == keys_.end()) return false;
  if (!regex_) return true;
  const std::string id = key.id();
  return std::regex_search(id, regex_->regex) ||
         (!label.empty() && std::regex_search(label.begin(), label.end(), regex_->regex));
}

std::string CaseSelection::describe() const {
  std::string text;
  for (const std::string& id : args_.case_ids) text += " --case " + shell_quoted(id);
  if (args_.filter) text += " --filter " + shell_quoted(*args_.filter);
  return text.empty() ? text : text.substr(1);
}

}  // namespace attnbench
