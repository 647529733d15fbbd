// One view of a run: what a person reads (a Table, rendered as Markdown and LaTeX) and what a
// program reads (a DataTable, rendered as CSV and JSON), built row by row together so that the
// two cannot hold different cells, and the notes that say why a column or the view is empty.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "report/data_table.hpp"
#include "report/table.hpp"

namespace attnbench {

struct NamedTable {
  std::string name;                // file stem: table, comparison, flops, break_even, density, ...
  std::string caption;             // says what the figures are and how they were obtained
  Table table;                     // Markdown and LaTeX
  DataTable data;                  // CSV and JSON
  std::vector<std::string> notes;  // lines under the Markdown table (and in the LaTeX caption)
};

// Why the Markdown shows no figure. For each column of `view.table` holding only "-" (or
// nothing): reasons[header], or `fallback`; columns sharing a reason share a line; a header
// mapped to "" needs none (a column of reasons itself). For a view without rows: reasons[""].
// When "-" is left in some rows of other columns: `fallback` once, for those.
void explain_empty(NamedTable& view, const std::map<std::string, std::string>& reasons,
                   const std::string& fallback);

}  // namespace attnbench
