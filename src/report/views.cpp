#include "report/views.hpp"

#include <fmt/format.h>

#include <optional>

#include "exec/executor_facts.hpp"
#include "report/case_rows.hpp"
#include "report/cells.hpp"
#include "report/decode_view.hpp"
#include "report/quality_view.hpp"
#include "report/scaling.hpp"

namespace attnbench {

namespace {

std::string mib(const CaseRecord* r) {
  return r && r->memory.peak_rss_bytes > 0
             ? fmt::format("{:.1f}", static_cast<double>(r->memory.peak_rss_bytes) / (1 << 20))
             : "-";
}

std::string column(ExecutorKind executor, const std::string& what) {
  return fmt::format("{} {}", facts_of(executor).label, what);
}

constexpr const char* kComparisonCaption =
    "Median latency of each case; full ms: full attention (causal when the pattern is) on the "
    "sparse executor at the same lengths, measured in the same run; speedup vs full: full ms / "
    "the case's ms; speedup vs masked dense: the dense executor (every score, mask applied "
    "afterwards) over the sparse one on the same mask. * marks a noisy case (spread or other "
    "load above the limits); ? marks a fraction of a disturbed probe or one above 1. "
    "GEMM frac: useful GFLOP/s over the machine's measured oneDNN GEMM rate. exponent: the "
    "least-squares slope of log median latency against log seq_len over the run's lengths "
    "(3 or more), with its R^2, per pattern and executor (1: linear, 2: quadratic).";
constexpr const char* kFlopsCaption =
    "FLOPs: 4 x head_dim per (query, key) pair, summed over batch and heads; side: the method's "
    "other work (estimates, see the plugin's help).";
constexpr const char* kNoCell =
    "the run holds no case but full-attention baselines, quality references (`--mode quality`: "
    "quality.md) or decode cases (decode.md)";
constexpr const char* kNoFigure =
    "that case has no such figure: it was skipped, failed, not timed (`--mode check`) or has no "
    "baseline; table.md gives each case's status and message";

// The first reason a cell's headline record gives for having no full-attention baseline.
std::string baseline_reason(const std::vector<Cell>& cells) {
  for (const Cell& c : cells) {
    if (c.primary()->baseline) return "";
    if (!c.primary()->baseline_reason.empty()) return c.primary()->baseline_reason;
  }
  return "no case was measured against full attention (no baseline recorded)";
}

std::map<std::string, std::string> comparison_reasons(const std::vector<Cell>& cells) {
  std::map<std::string, std::string> reasons = {{"", kNoCell}};
  const ExecutorKind sparse = ExecutorKind::kSparse, masked = baseline_executor();
  const std::string no_sparse = absence_reason(cells, sparse);
  const std::string no_masked = absence_reason(cells, masked);
  for (const char* what : {"ms", "GFLOP/s", "peak MiB", "exponent"}) {
    if (!no_sparse.empty()) reasons[column(sparse, what)] = no_sparse;
    if (!no_masked.empty()) reasons[column(masked, what)] = no_masked;
  }
  reasons["GEMM frac"] =
      no_sparse.empty() ? "the run's context has no GEMM probe for these cases" : no_sparse;
  reasons["speedup vs masked dense"] = !no_masked.empty()   ? no_masked
                                       : !no_sparse.empty() ? no_sparse
                                                            : "no cell has both executors timed";
  reasons["full ms"] = reasons["speedup vs full"] = baseline_reason(cells);
  for (ExecutorKind e : {sparse, masked}) {
    reasons.emplace(column(e, "exponent"),
                    "no series has three or more lengths (seq_len), which a slope needs");
    reasons.emplace(column(e, "peak MiB"), "no peak resident memory was recorded");
  }
  return reasons;
}

const std::vector<std::string> kComparisonFigures = {"q_len",
                                                     "kv_len",
                                                     "sparse_median_ms",
                                                     "sparse_noisy",
                                                     "full_median_ms",
                                                     "speedup_vs_full",
                                                     "baseline_reason",
                                                     "dense_median_ms",
                                                     "dense_noisy",
                                                     "speedup_vs_masked_dense",
                                                     "sparse_gflops_useful",
                                                     "sparse_gemm_fraction",
                                                     "sparse_gemm_fraction_doubtful",
                                                     "sparse_peak_rss_bytes",
                                                     "dense_peak_rss_bytes",
                                                     "sparse_exponent",
                                                     "sparse_exponent_r2",
                                                     "dense_exponent",
                                                     "dense_exponent_r2",
                                                     "emulated"};

void add_fit(Json& row, ExecutorKind executor, std::optional<ScalingFit> fit) {
  row[executor_column(executor, "exponent")] = fit ? Json(fit->exponent) : Json(nullptr);
  row[executor_column(executor, "exponent_r2")] = fit ? Json(fit->r2) : Json(nullptr);
}

// The machine-readable row of a cell: the same figures, unrounded, with the markers as columns.
void comparison_data(Json& row, const Cell& c, const ScalingFits& fits, const RunContext& context) {
  const CaseRecord* r = c.primary();
  const ExecutorKind sparse = ExecutorKind::kSparse, masked = baseline_executor();
  row["q_len"] = c.q_len, row["kv_len"] = c.kv_len;
  row[executor_column(sparse, "median_ms")] = median_json(c.sparse);
  row[executor_column(sparse, "noisy")] = noisy_json(c.sparse);
  row["full_median_ms"] = r->baseline ? Json(r->baseline->median_ms) : Json(nullptr);
  row["speedup_vs_full"] = number_or_null(r->speedup_vs_full);
  row["baseline_reason"] = r->baseline_reason.empty() ? Json(nullptr) : Json(r->baseline_reason);
  row[executor_column(masked, "median_ms")] = median_json(c.baseline);
  row[executor_column(masked, "noisy")] = noisy_json(c.baseline);
  row["speedup_vs_masked_dense"] = number_or_null(speedup_vs_masked_dense(c));
  const std::optional<double> fraction = c.sparse ? c.sparse->gemm_fraction : std::nullopt;
  row[executor_column(sparse, "gflops_useful")] =
      number_or_null(c.sparse ? c.sparse->gflops_useful : std::nullopt);
  row[executor_column(sparse, "gemm_fraction")] = number_or_null(fraction);
  row[executor_column(sparse, "gemm_fraction_doubtful")] = doubtful_json(fraction, context);
  row[executor_column(sparse, "peak_rss_bytes")] = peak_rss_json(c.sparse);
  row[executor_column(masked, "peak_rss_bytes")] = peak_rss_json(c.baseline);
  add_fit(row, sparse, fits.of(c.sparse));
  add_fit(row, masked, fits.of(c.baseline));
  row["emulated"] = r->emulated;
}

}  // namespace

// speedup_vs_full first: full attention run the good way (the sparse executor on the dense,
// or causal, mask), measured in the same run. The masked dense executor's ratio comes second.
NamedTable comparison_view(const RunResults& results) {
  const ExecutorKind sparse = ExecutorKind::kSparse, masked = baseline_executor();
  NamedTable view{"comparison", kComparisonCaption};
  view.table =
      Table{{"pattern", "q_len", "kv_len", column(sparse, "ms"), "full ms", "speedup vs full",
             column(masked, "ms"), "speedup vs masked dense", column(sparse, "GFLOP/s"),
             "GEMM frac", column(sparse, "peak MiB"), column(masked, "peak MiB"),
             column(sparse, "exponent"), column(masked, "exponent")},
            {},
            {false, true, true, true, true, true, true, true, true, true, true, true, true, true}};
  CaseRows data(RowAxes::kCell, kComparisonFigures);
  const ScalingFits fits(results);
  const std::vector<Cell> cells = cells_of(results);
  for (const Cell& c : cells) {
    const CaseRecord* r = c.primary();
    const std::optional<double> full =
        r->baseline ? std::optional(r->baseline->median_ms) : std::nullopt;
    view.table.rows.push_back(
        {c.label, std::to_string(c.q_len), std::to_string(c.kv_len), latency_text(c.sparse),
         number(full, 3), speedup_vs_full_text(r), latency_text(c.baseline),
         number(speedup_vs_masked_dense(c), 2),
         number(c.sparse ? c.sparse->gflops_useful : std::nullopt, 1),
         probe_fraction_text(c.sparse ? c.sparse->gemm_fraction : std::nullopt, results.context),
         mib(c.sparse), mib(c.baseline), scaling_text(fits.of(c.sparse)),
         scaling_text(fits.of(c.baseline))});
    comparison_data(data.add(*r), c, fits, results.context);
  }
  view.data = data.table();
  explain_empty(view, comparison_reasons(cells), kNoFigure);
  return view;
}

NamedTable flop_view(const RunResults& results) {
  NamedTable view{"flops", kFlopsCaption};
  view.table = Table{{"pattern", "q_len", "kv_len", "useful GFLOP", "executed GFLOP (sparse)",
                      "dense GFLOP", "useful / dense", "side GFLOP"},
                     {},
                     {false, true, true, true, true, true, true, true}};
  CaseRows data(RowAxes::kCell, {"q_len", "kv_len", "useful_flops", "executed_flops", "dense_flops",
                                 "useful_over_dense", "side_flops"});
  const std::vector<Cell> cells = cells_of(results);
  for (const Cell& c : cells) {
    const CaseRecord& r = *c.primary();
    std::int64_t side = 0;
    for (const auto& [name, flops] : r.side_flops) side += flops;
    // The sparse executor's count where the cell has one; the dense executor computes every pair.
    const std::int64_t executed = c.sparse ? c.sparse->flops.executed : r.flops.dense;
    const double useful_share =
        static_cast<double>(r.flops.useful) / static_cast<double>(r.flops.dense);
    view.table.rows.push_back({c.label, std::to_string(c.q_len), std::to_string(c.kv_len),
                               fmt::format("{:.3f}", static_cast<double>(r.flops.useful) * 1e-9),
                               fmt::format("{:.3f}", static_cast<double>(executed) * 1e-9),
                               fmt::format("{:.3f}", static_cast<double>(r.flops.dense) * 1e-9),
                               fmt::format("{:.4f}", useful_share),
                               fmt::format("{:.3f}", static_cast<double>(side) * 1e-9)});
    Json& row = data.add(r);
    row["q_len"] = c.q_len, row["kv_len"] = c.kv_len;
    row["useful_flops"] = r.flops.useful, row["executed_flops"] = executed;
    row["dense_flops"] = r.flops.dense, row["useful_over_dense"] = number_or_null(useful_share);
    row["side_flops"] = side;
  }
  view.data = data.table();
  explain_empty(view, {{"", kNoCell}}, kNoFigure);
  return view;
}

namespace {

// The forward views read forward records; decode records have their own view.
std::vector<NamedTable> forward_views(const RunResults& results) {
  std::vector<NamedTable> views = {comparison_view(results), flop_view(results),
                                   break_even_view(results), density_view(results.cases)};
  if (has_quality(results)) views.push_back(quality_view(results));
  return views;
}

}  // namespace

std::vector<NamedTable> all_views(const RunResults& all) {
  RunResults forward{all.context, {}, all.torn_lines};
  for (const CaseRecord& r : all.cases) {
    if (r.key.pass != Pass::kDecode) forward.cases.push_back(r);
  }
  std::vector<NamedTable> views = {case_view(all)};
  for (NamedTable& view : forward_views(forward)) views.push_back(std::move(view));
  if (forward.cases.size() < all.cases.size()) views.push_back(decode_view(all));
  return views;
}

}  // namespace attnbench
