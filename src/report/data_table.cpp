#include "report/data_table.hpp"

#include <fmt/format.h>

#include <cmath>
#include <set>
#include <stdexcept>

namespace attnbench {

namespace {

// JSON has no NaN or infinity: null there; the CSV writes nan, inf and -inf, which pandas and
// Python's float() read back (issue 14's convention). An absent figure is null and empty.
Json finite_or_null(const Json& value) {
  if (value.is_number_float() && !std::isfinite(value.get<double>())) return nullptr;
  return value;
}

// The row as an object holding exactly the columns, in their order.
Json complete(const DataTable& t, const Json& row, bool keep_non_finite) {
  const std::set<std::string> declared(t.columns.begin(), t.columns.end());
  for (const auto& [key, value] : row.items()) {
    if (!declared.count(key)) throw std::logic_error("view row key '" + key + "' is no column");
  }
  Json out = Json::object();
  for (const std::string& column : t.columns) {
    const auto found = row.find(column);
    out[column] = found == row.end() ? Json(nullptr)
                  : keep_non_finite  ? *found
                                     : finite_or_null(*found);
  }
  return out;
}

std::string csv_quoted(const std::string& text) {
  if (text.find_first_of(",\"\n\r") == std::string::npos) return text;
  std::string quoted = "\"";
  for (char c : text) quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
  return quoted + "\"";
}

std::string csv_text(const Json& value) {
  if (value.is_null()) return "";
  if (value.is_number_float() && !std::isfinite(value.get<double>())) {
    const double x = value.get<double>();
    return std::isnan(x) ? "nan" : x > 0 ? "inf" : "-inf";
  }
  if (value.is_string()) return csv_quoted(value.get<std::string>());
  return csv_quoted(value.dump());
}

}  // namespace

std::string render_json(const DataTable& t) {
  Json rows = Json::array();
  for (const Json& row : t.rows) rows.push_back(complete(t, row, false));
  return rows.dump(2) + "\n";
}

std::string render_csv(const DataTable& t) {
  std::string out;
  for (std::size_t c = 0; c < t.columns.size(); ++c)
    out += (c > 0 ? "," : "") + csv_quoted(t.columns[c]);
  out += "\n";
  for (const Json& row : t.rows) {
    const Json full = complete(t, row, true);
    std::size_t c = 0;
    for (const auto& [key, value] : full.items()) out += (c++ > 0 ? "," : "") + csv_text(value);
    out += "\n";
  }
  return out;
}

Json number_or_null(std::optional<double> value) {
  if (!value) return nullptr;
  return *value;  // non-finite: null in JSON, nan or inf in CSV
}

}  // namespace attnbench
