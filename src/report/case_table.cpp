#include "report/case_table.hpp"

#include <fmt/format.h>

#include <map>

#include "exec/executor_facts.hpp"
#include "report/case_rows.hpp"
#include "report/cells.hpp"
#include "report/views.hpp"

namespace attnbench {

namespace {

std::string fixed(std::optional<double> value, int digits) {
  return value ? fmt::format("{:.{}f}", *value, digits) : "-";
}

std::string gflop(std::int64_t flops) {
  return fmt::format("{:.3f}", static_cast<double>(flops) * 1e-9);
}

std::string mebibytes(std::int64_t bytes) {
  return bytes < 0 ? "-" : fmt::format("{:.1f}", static_cast<double>(bytes) / (1 << 20));
}

std::optional<double> speedup(const CaseRecord& r, const std::map<std::string, double>& dense) {
  auto it = dense.find(cell_key(r.key));
  if (!r.latency_ms || it == dense.end() || r.latency_ms->median <= 0) return std::nullopt;
  return it->second / r.latency_ms->median;
}

std::string caption(const RunContext& c) {
  return fmt::format(
      "Run of `{}` (config hash {}) started {} on {} ({} cores, oneDNN {}, commit {}). "
      "Latency: median of the repetitions (* noisy); vs full: full attention's median (the sparse "
      "executor on the dense or causal mask, same lengths, same run) over this one's; vs masked "
      "dense: the dense executor's median on the same cell over this one's; FLOPs: 4 x head_dim "
      "per (query, key) pair, summed over batch and heads.",
      c.config_path, c.config_hash, c.started_utc, c.cpu_model, c.cores, c.onednn_version,
      c.git_commit);
}

const std::vector<std::string> kCaseFigures = {"role",
                                               "q_len",
                                               "kv_len",
                                               "status",
                                               "message",
                                               "impl",
                                               "emulated",
                                               "median_ms",
                                               "min_ms",
                                               "max_ms",
                                               "repetitions",
                                               "noisy",
                                               "speedup_vs_full",
                                               "baseline_reason",
                                               "speedup_vs_masked_dense",
                                               "useful_flops",
                                               "executed_flops",
                                               "dense_flops",
                                               "gflops_useful",
                                               "gemm_fraction",
                                               "gemm_fraction_doubtful",
                                               "element_density",
                                               "tile_density",
                                               "waste",
                                               "layout_ms",
                                               "prepare_ms",
                                               "analytic_bytes",
                                               "peak_rss_bytes",
                                               "max_abs_err"};

std::vector<std::string> case_text(const CaseRecord& r, std::optional<double> vs_masked,
                                   const RunContext& context) {
  const CaseKey& k = r.key;
  return {pattern_label(r),
          params_text(r.params),
          fmt::format("{}.{}.{}.{}", k.batch, k.heads, k.kv_heads, k.head_dim),
          std::to_string(r.q_len),
          std::to_string(r.kv_len),
          fmt::format("{}x{}", k.block_q, k.block_kv),
          std::string(facts_of(k.executor).label) + dtype_suffix(r),
          std::to_string(k.threads),
          std::string(to_string(r.status)),
          latency_text(&r),
          speedup_vs_full_text(&r),
          fixed(vs_masked, 2),
          gflop(r.flops.useful),
          gflop(r.flops.executed),
          gflop(r.flops.dense),
          fixed(r.gflops_useful, 1),
          probe_fraction_text(r.gemm_fraction, context),
          fmt::format("{:.4f}", r.density.element),
          fmt::format("{:.4f}", r.density.tile),
          fmt::format("{:.4f}", r.density.waste),
          fmt::format("{:.2f}", r.layout_ms),
          mebibytes(r.memory.analytic_bytes),
          mebibytes(r.memory.peak_rss_bytes),
          r.accuracy ? fmt::format("{:.2e}", r.accuracy->max_abs_err) : "-"};
}

void case_data(Json& row, const CaseRecord& r, std::optional<double> vs_masked,
               const RunContext& context) {
  row["role"] = r.is_baseline ? "baseline" : "case";
  row["q_len"] = r.q_len, row["kv_len"] = r.kv_len;
  row["status"] = std::string(to_string(r.status));
  if (!r.message.empty()) row["message"] = r.message;
  if (!r.impl.empty()) row["impl"] = r.impl;
  row["emulated"] = r.emulated;
  if (r.latency_ms) {
    row["median_ms"] = number_or_null(r.latency_ms->median);
    row["min_ms"] = number_or_null(r.latency_ms->min);
    row["max_ms"] = number_or_null(r.latency_ms->max);
    row["repetitions"] = r.latency_ms->repetitions;
  }
  row["noisy"] = noisy_json(&r);
  row["speedup_vs_full"] = number_or_null(r.speedup_vs_full);
  if (!r.baseline_reason.empty()) row["baseline_reason"] = r.baseline_reason;
  row["speedup_vs_masked_dense"] = number_or_null(vs_masked);
  row["useful_flops"] = r.flops.useful, row["executed_flops"] = r.flops.executed;
  row["dense_flops"] = r.flops.dense;
  row["gflops_useful"] = number_or_null(r.gflops_useful);
  row["gemm_fraction"] = number_or_null(r.gemm_fraction);
  row["gemm_fraction_doubtful"] = doubtful_json(r.gemm_fraction, context);
  row["element_density"] = number_or_null(r.density.element);
  row["tile_density"] = number_or_null(r.density.tile);
  row["waste"] = number_or_null(r.density.waste);
  row["layout_ms"] = number_or_null(r.layout_ms), row["prepare_ms"] = number_or_null(r.prepare_ms);
  if (r.memory.analytic_bytes >= 0) row["analytic_bytes"] = r.memory.analytic_bytes;
  row["peak_rss_bytes"] = peak_rss_json(&r);
  if (r.accuracy) row["max_abs_err"] = number_or_null(r.accuracy->max_abs_err);
}

}  // namespace

std::string params_text(const Json& params) {
  std::string out;
  for (const auto& [name, value] : params.items()) {
    if (!out.empty()) out += ' ';
    out += name + "=" + (value.is_string() ? value.get<std::string>() : value.dump());
  }
  return out;
}

NamedTable case_view(const RunResults& results) {
  std::map<std::string, double> dense_median;
  for (const CaseRecord& r : results.cases) {
    if (r.executor() == baseline_executor() && r.latency_ms)
      dense_median[cell_key(r.key)] = r.latency_ms->median;
  }
  NamedTable view{"table", caption(results.context)};
  Table& t = view.table;
  t.headers = {"pattern",   "params",          "b.h.kvh.d",    "q_len",          "kv_len",
               "tile",      "executor",        "threads",      "status",         "median ms",
               "vs full",   "vs masked dense", "useful GFLOP", "executed GFLOP", "dense GFLOP",
               "GFLOP/s",   "GEMM frac",       "elem dens",    "tile dens",      "waste",
               "layout ms", "analytic MiB",    "peak MiB",     "max abs err"};
  t.right_aligned = {false, false, false, true, true, true, false, true, false, true, true, true,
                     true,  true,  true,  true, true, true, true,  true, true,  true, true, true};
  CaseRows data(RowAxes::kAll, kCaseFigures);
  for (const CaseRecord& r : results.cases) {
    const std::optional<double> vs_masked = speedup(r, dense_median);
    t.rows.push_back(case_text(r, vs_masked, results.context));
    case_data(data.add(r), r, vs_masked, results.context);
  }
  view.data = data.table();
  const std::vector<Cell> cells = cells_of(results);
  const std::string no_masked = absence_reason(cells, baseline_executor());
  explain_empty(
      view,
      {{"", "the run holds no case record"},
       {"vs masked dense", no_masked.empty() ? "no case was timed" : no_masked},
       {"max abs err", "no case was checked against the reference (`--mode perf`)"},
       {"median ms", "no case was timed (`--mode check`, or each was skipped or failed)"}},
      "that case has no such figure: its status (skipped, failed, error) and message "
      "say why, or it was not timed (`--mode check`) or not checked (`--mode perf`)");
  return view;
}

}  // namespace attnbench
