// The machine-readable form of a view, for pandas, R or jq: one row object per row, snake_case
// column names with their unit in the name (`median_ms`, `peak_rss_bytes`), numbers as JSON
// numbers, null where a row has no figure (or the figure is NaN or infinite). The JSON file is an
// array of these objects; the CSV file has the same columns, with an empty cell for null. The
// human Markdown and LaTeX forms of the same view are Tables (table.hpp).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "results/record.hpp"

namespace attnbench {

struct DataTable {
  std::vector<std::string> columns;
  std::vector<Json> rows;  // objects; a column a row lacks is null
};

// Every row written with every column, in column order. Throws std::logic_error for a row key
// that is not a column (a view that forgot to declare it).
std::string render_json(const DataTable& table);
// The header, then one line per row: numbers as in the JSON, true/false, empty for an absent
// figure, nan / inf / -inf for a non-finite one; a list
// or an object (a composition's parts) as its compact JSON text.
std::string render_csv(const DataTable& table);

// A number (non-finite kept for the CSV; the JSON writes null), or null when absent.
Json number_or_null(std::optional<double> value);

}  // namespace attnbench
