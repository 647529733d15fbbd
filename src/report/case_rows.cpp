#include "report/case_rows.hpp"

#include <algorithm>
#include <type_traits>
#include <variant>

#include "report/cells.hpp"

namespace attnbench {

namespace {

bool carries(RowAxes axes, const AxisDecl& axis) {
  if (axis.name == "spec") return false;  // the pattern and its param_ columns instead
  switch (axes) {
    case RowAxes::kAll: return true;
    case RowAxes::kCell: return !is_executor(axis);
    case RowAxes::kSeries:
      return !is_executor(axis) && axis.name != "seq_len" && axis.name != "seq_kv_len";
    case RowAxes::kMask: return axis.changes_mask;
  }
  return true;
}

// Lengths and sizes as numbers, the closed sets by name.
Json axis_value(const CaseKey& key, const AxisDecl& axis) {
  return std::visit(
      [&key](auto member) -> Json {
        using Value = std::decay_t<decltype(key.*member)>;
        if constexpr (std::is_same_v<Value, Index> || std::is_same_v<Value, std::string>)
          return key.*member;
        else
          return std::string(to_string(key.*member));
      },
      axis.member);
}

}  // namespace

CaseRows::CaseRows(RowAxes axes, std::vector<std::string> figures)
    : axes_(axes), figures_(std::move(figures)) {}

Json& CaseRows::add(const CaseRecord& r) {
  Json row = Json::object();
  if (axes_ == RowAxes::kAll) row["id"] = r.id();
  row["label"] = pattern_label(r);
  row["pattern"] = r.pattern;
  for (const auto& [name, value] : r.params.items()) {
    const std::string column = "param_" + name;
    if (std::find(params_.begin(), params_.end(), column) == params_.end())
      params_.push_back(column);
    row[column] = value;
  }
  for (const AxisDecl& axis : case_axes()) {
    if (carries(axes_, axis)) row[std::string(axis.name)] = axis_value(r.key, axis);
  }
  rows_.push_back(std::move(row));
  return rows_.back();
}

DataTable CaseRows::table() const {
  DataTable t;
  if (axes_ == RowAxes::kAll) t.columns.push_back("id");
  t.columns.insert(t.columns.end(), {"label", "pattern"});
  t.columns.insert(t.columns.end(), params_.begin(), params_.end());
  for (const AxisDecl& axis : case_axes()) {
    if (carries(axes_, axis)) t.columns.emplace_back(axis.name);
  }
  t.columns.insert(t.columns.end(), figures_.begin(), figures_.end());
  t.rows = rows_;
  return t;
}

}  // namespace attnbench
