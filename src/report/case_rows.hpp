// The rows of a machine-readable view (data_table.hpp) begin with the identity of the case they
// describe: its label, the pattern, one `param_<name>` column per parameter (the union over the
// view's rows: empty where a pattern has no such parameter; a composition's parts are the list
// `param_of`), then the axes of the case key as separate typed columns (batch, heads, kv_heads,
// head_dim, seq_len, ...), so that a row can be selected and grouped without parsing a label.
#pragma once

#include <string>
#include <vector>

#include "report/data_table.hpp"
#include "results/record.hpp"

namespace attnbench {

// Which axes of the case key a view's rows carry.
enum class RowAxes {
  kAll,     // every axis, after the case id: one row per case (table)
  kCell,    // every axis but the executor: the executors of a cell share a row
  kSeries,  // also without the configured lengths: one row per series of lengths (break_even)
  kMask,    // the axes that change the mask (density)
};

class CaseRows {
 public:
  // `figures`: the view's own columns, after the identity.
  CaseRows(RowAxes axes, std::vector<std::string> figures);
  // A new row holding `r`'s identity, for the caller to add figures to; valid until the next add.
  Json& add(const CaseRecord& r);
  DataTable table() const;

 private:
  RowAxes axes_;
  std::vector<std::string> figures_;
  std::vector<std::string> params_;  // param_ columns, in the order first seen
  std::vector<Json> rows_;
};

}  // namespace attnbench
