#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>

#include "report/view.hpp"

namespace attnbench {

namespace {

bool blank(const std::string& cell) { return cell.empty() || cell == "-"; }

bool all_blank(const Table& t, std::size_t column) {
  return std::all_of(t.rows.begin(), t.rows.end(), [&](const std::vector<std::string>& row) {
    return column >= row.size() || blank(row[column]);
  });
}

bool some_dash(const Table& t, std::size_t column) {
  return std::any_of(t.rows.begin(), t.rows.end(), [&](const std::vector<std::string>& row) {
    return column < row.size() && row[column] == "-";
  });
}

}  // namespace

void explain_empty(NamedTable& view, const std::map<std::string, std::string>& reasons,
                   const std::string& fallback) {
  const Table& t = view.table;
  if (t.rows.empty()) {
    const auto found = reasons.find("");
    view.notes.push_back(
        fmt::format("No rows: {}", found == reasons.end() ? fallback : found->second));
    return;
  }
  std::vector<std::pair<std::string, std::vector<std::string>>> grouped;  // reason, headers
  bool dash_left = false;
  for (std::size_t c = 0; c < t.headers.size(); ++c) {
    const auto found = reasons.find(t.headers[c]);
    if (!all_blank(t, c)) {
      dash_left |= some_dash(t, c);
      continue;
    }
    const std::string reason = found == reasons.end() ? fallback : found->second;
    if (reason.empty()) continue;
    auto at = std::find_if(grouped.begin(), grouped.end(),
                           [&](const auto& group) { return group.first == reason; });
    if (at == grouped.end()) at = grouped.insert(grouped.end(), {reason, {}});
    at->second.push_back("`" + t.headers[c] + "`");
  }
  for (const auto& [reason, headers] : grouped)
    view.notes.push_back(fmt::format("{} {} empty: {}", fmt::join(headers, ", "),
                                     headers.size() > 1 ? "are" : "is", reason));
  if (dash_left) view.notes.push_back(fmt::format("`-` in a row: {}", fallback));
}

}  // namespace attnbench
