#include "report/quality_view.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <set>

#include "report/cells.hpp"

namespace attnbench {

namespace {

bool asked(const CaseRecord& r) { return r.quality || !r.quality_reason.empty(); }

std::vector<std::string> row_of(const CaseRecord& r) {
  std::vector<std::string> row = {r.key.inputs, pattern_label(r) + dtype_suffix(r),
                                  std::to_string(r.q_len), std::to_string(r.kv_len)};
  if (!r.quality) {
    row.insert(row.end(), {"-", "-", "-", "-", "-", "-", "-", r.quality_reason});
    return row;
  }
  const QualityFigures& q = *r.quality;
  row.insert(row.end(),
             {fmt::format("{:.4f}", r.density.element), fmt::format("{:.1f}", r.mask.mean_keys),
              fmt::format("{:.4f}", q.recall_mean), fmt::format("{:.4f}", q.recall_min),
              fmt::format("{:.4f}", q.recall_p10), fmt::format("{:.4g}", q.output_rel_l2),
              fmt::format("{:.4g}", q.output_rel_l2_max_head), ""});
  return row;
}

}  // namespace

bool has_quality(const RunResults& results) {
  for (const CaseRecord& r : results.cases) {
    if (asked(r)) return true;
  }
  return false;
}

Table quality_table(const RunResults& results) {
  Table t{{"inputs", "pattern", "q_len", "kv_len", "element density", "keys/query", "recall mean",
           "recall min", "recall p10", "output rel L2", "worst head", "why not measured"},
          {},
          {false, false, true, true, true, true, true, true, true, true, true, false}};
  // Input sets in the order they first appear; within a set, cells in record order, once each
  // (the executors of a cell carry the same figures).
  std::vector<std::string> sets;
  for (const CaseRecord& r : results.cases) {
    if (asked(r) && std::find(sets.begin(), sets.end(), r.key.inputs) == sets.end())
      sets.push_back(r.key.inputs);
  }
  std::set<std::string> seen;
  for (const std::string& set : sets) {
    for (const CaseRecord& r : results.cases) {
      if (!asked(r) || r.is_baseline || r.key.inputs != set) continue;
      if (seen.insert(cell_key(r.key)).second) t.rows.push_back(row_of(r));
    }
  }
  return t;
}

}  // namespace attnbench
