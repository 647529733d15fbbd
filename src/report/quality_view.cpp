#include "report/quality_view.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <set>

#include "report/case_rows.hpp"
#include "report/cells.hpp"

namespace attnbench {

namespace {

constexpr const char* kQualityCaption =
    "How much of full attention each mask keeps, per input set: recall is the share of full "
    "attention's softmax mass (causal when the mask is, as the speedup's baseline) inside "
    "the mask, per sampled query row (check_rows per batch item and head; 0 for a row with "
    "no key), its mean, minimum and 10th percentile; output rel L2 is ||O - O_full|| / "
    "||O_full|| over those rows, all heads and the worst head. Double precision.";

const std::vector<std::string> kQualityFigures = {
    "q_len",      "kv_len",     "element_density", "keys_per_query_mean",    "recall_mean",
    "recall_min", "recall_p10", "output_rel_l2",   "output_rel_l2_max_head", "quality_reason"};

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

void quality_data(Json& row, const CaseRecord& r) {
  row["q_len"] = r.q_len, row["kv_len"] = r.kv_len;
  if (!r.quality) {
    row["quality_reason"] = r.quality_reason;
    return;
  }
  const QualityFigures& q = *r.quality;
  row["element_density"] = number_or_null(r.density.element);
  row["keys_per_query_mean"] = number_or_null(r.mask.mean_keys);
  row["recall_mean"] = number_or_null(q.recall_mean);
  row["recall_min"] = number_or_null(q.recall_min);
  row["recall_p10"] = number_or_null(q.recall_p10);
  row["output_rel_l2"] = number_or_null(q.output_rel_l2);
  row["output_rel_l2_max_head"] = number_or_null(q.output_rel_l2_max_head);
}

}  // namespace

bool has_quality(const RunResults& results) {
  for (const CaseRecord& r : results.cases) {
    if (asked(r)) return true;
  }
  return false;
}

NamedTable quality_view(const RunResults& results) {
  NamedTable view{"quality", kQualityCaption};
  Table& t = view.table;
  t = Table{{"inputs", "pattern", "q_len", "kv_len", "element density", "keys/query", "recall mean",
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
  CaseRows data(RowAxes::kCell, kQualityFigures);
  std::set<std::string> seen;
  for (const std::string& set : sets) {
    for (const CaseRecord& r : results.cases) {
      if (!asked(r) || r.is_baseline || r.key.inputs != set) continue;
      if (!seen.insert(cell_key(r.key)).second) continue;
      t.rows.push_back(row_of(r));
      quality_data(data.add(r), r);
    }
  }
  view.data = data.table();
  explain_empty(view, {{"why not measured", ""}},
                "the quality of that cell was not measured: `why not measured` says why");
  return view;
}

}  // namespace attnbench
