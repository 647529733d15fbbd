// The density view: one row per distinct mask of a run (or of a config, for `attnbench
// density`), its pairs counted from the block layout against the paper's closed form, densities,
// keys per query, and what the mask costs to store; a row per head where heads differ.
#include <fmt/format.h>

#include <set>

#include "report/case_rows.hpp"
#include "report/views.hpp"

namespace attnbench {

namespace {

constexpr const char* kDensityCaption =
    "Mask density: allowed pairs counted from the layout against the paper's closed form, "
    "densities, keys per query, and mask metadata (a byte per pair vs the block layout).";

const std::vector<std::string> kDensityFigures = {"head",
                                                  "q_len",
                                                  "kv_len",
                                                  "allowed_pairs",
                                                  "closed_form_pairs",
                                                  "closed_form_agrees",
                                                  "element_density",
                                                  "density_of_causal",
                                                  "tile_density",
                                                  "waste",
                                                  "keys_per_query_min",
                                                  "keys_per_query_mean",
                                                  "keys_per_query_max",
                                                  "empty_rows",
                                                  "dense_mask_bytes",
                                                  "layout_bytes"};

std::optional<double> of_causal(const MaskFigures& m) {
  if (m.causal_pairs <= 0) return std::nullopt;
  return static_cast<double>(m.allowed_pairs) / static_cast<double>(m.causal_pairs);
}

double waste(const MaskFigures& m) {
  return m.tile_pairs
             ? 1.0 - static_cast<double>(m.allowed_pairs) / static_cast<double>(m.tile_pairs)
             : 0.0;
}

std::vector<std::string> mask_text(const CaseRecord& r) {
  const MaskFigures& m = r.mask;
  const std::string closed = m.closed_form_pairs ? std::to_string(*m.closed_form_pairs) : "-";
  const std::string agree =
      m.closed_form_pairs ? (*m.closed_form_pairs == m.allowed_pairs ? "yes" : "NO") : "-";
  return {pattern_label(r),
          std::to_string(r.key.heads),
          std::to_string(r.q_len),
          std::to_string(r.kv_len),
          fmt::format("{}x{}", r.key.block_q, r.key.block_kv),
          std::to_string(m.allowed_pairs),
          closed,
          agree,
          fmt::format("{:.4f}", r.density.element),
          number(of_causal(m), 4),
          fmt::format("{:.4f}", r.density.tile),
          fmt::format("{:.4f}", waste(m)),
          std::to_string(m.min_keys),
          fmt::format("{:.1f}", m.mean_keys),
          std::to_string(m.max_keys),
          std::to_string(m.empty_rows),
          fmt::format("{:.2f}", static_cast<double>(r.key.heads * r.q_len * r.kv_len) / (1 << 20)),
          fmt::format("{:.3f}", static_cast<double>(m.layout_bytes) / (1 << 20))};
}

void mask_data(Json& row, const CaseRecord& r) {
  const MaskFigures& m = r.mask;
  row["q_len"] = r.q_len, row["kv_len"] = r.kv_len;
  row["allowed_pairs"] = m.allowed_pairs;
  if (m.closed_form_pairs) {
    row["closed_form_pairs"] = *m.closed_form_pairs;
    row["closed_form_agrees"] = *m.closed_form_pairs == m.allowed_pairs;
  }
  row["element_density"] = number_or_null(r.density.element);
  row["density_of_causal"] = number_or_null(of_causal(m));
  row["tile_density"] = number_or_null(r.density.tile);
  row["waste"] = number_or_null(waste(m));
  row["keys_per_query_min"] = m.min_keys, row["keys_per_query_mean"] = m.mean_keys;
  row["keys_per_query_max"] = m.max_keys, row["empty_rows"] = m.empty_rows;
  row["dense_mask_bytes"] = r.key.heads * r.q_len * r.kv_len;
  row["layout_bytes"] = m.layout_bytes;
}

// A head of a mask whose heads differ: its pairs and keys per query.
void head_row(NamedTable& view, CaseRows& data, const CaseRecord& r, std::size_t h) {
  const HeadKeys& k = r.mask.per_head[h];
  const double density =
      static_cast<double>(k.allowed_pairs) / static_cast<double>(r.q_len * r.kv_len);
  view.table.rows.push_back({fmt::format("  head {}", h), "1", std::to_string(r.q_len),
                             std::to_string(r.kv_len), "", std::to_string(k.allowed_pairs), "", "",
                             fmt::format("{:.4f}", density), "", "", "", std::to_string(k.min_keys),
                             fmt::format("{:.1f}", k.mean_keys), std::to_string(k.max_keys), "", "",
                             ""});
  Json& row = data.add(r);
  row["head"] = h, row["q_len"] = r.q_len, row["kv_len"] = r.kv_len;
  row["allowed_pairs"] = k.allowed_pairs, row["element_density"] = number_or_null(density);
  row["keys_per_query_min"] = k.min_keys, row["keys_per_query_mean"] = k.mean_keys;
  row["keys_per_query_max"] = k.max_keys;
}

}  // namespace

NamedTable density_view(const std::vector<CaseRecord>& records) {
  NamedTable view{"density", kDensityCaption};
  view.table =
      Table{{"pattern", "heads", "q_len", "kv_len", "tile", "allowed pairs", "closed form", "agree",
             "element density", "of causal", "tile density", "waste", "keys/query min", "mean",
             "max", "empty rows", "dense mask MiB", "layout MiB"},
            {},
            {false, true, true, true, true, true, true, false, true, true, true, true, true, true,
             true, true, true, true}};
  CaseRows data(RowAxes::kMask, kDensityFigures);
  std::set<std::string> seen;
  for (const CaseRecord& r : records) {
    if (r.mask.total_tiles == 0 || !seen.insert(mask_key(r.key)).second) continue;
    view.table.rows.push_back(mask_text(r));
    mask_data(data.add(r), r);
    for (std::size_t h = 0; h < r.mask.per_head.size(); ++h) head_row(view, data, r, h);
  }
  view.data = data.table();
  const std::string no_closed_form = "no pattern here has a closed-form pair count";
  explain_empty(view,
                {{"", "no record holds a mask (each case failed before its layout was built)"},
                 {"closed form", no_closed_form},
                 {"agree", no_closed_form},
                 {"of causal", "no mask stays within the causal pairs (key <= query)"}},
                "`closed form` and `agree`: the pattern has no closed form; `of causal`: the "
                "mask reaches keys after their query");
  return view;
}

}  // namespace attnbench
