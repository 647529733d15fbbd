#include "report/case_table.hpp"

#include <fmt/format.h>

#include <fstream>
#include <map>
#include <stdexcept>

#include "exec/executor_facts.hpp"
#include "report/cells.hpp"

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

}  // namespace

std::string params_text(const Json& params) {
  std::string out;
  for (const auto& [name, value] : params.items()) {
    if (!out.empty()) out += ' ';
    out += name + "=" + (value.is_string() ? value.get<std::string>() : value.dump());
  }
  return out;
}

Table case_table(const RunResults& results) {
  std::map<std::string, double> dense_median;
  for (const CaseRecord& r : results.cases) {
    if (r.executor() == baseline_executor() && r.latency_ms)
      dense_median[cell_key(r.key)] = r.latency_ms->median;
  }
  Table t;
  t.headers = {"pattern",   "params",          "b.h.kvh.d",    "q_len",          "kv_len",
               "tile",      "executor",        "threads",      "status",         "median ms",
               "vs full",   "vs masked dense", "useful GFLOP", "executed GFLOP", "dense GFLOP",
               "GFLOP/s",   "GEMM frac",       "elem dens",    "tile dens",      "waste",
               "layout ms", "analytic MiB",    "peak MiB",     "max abs err"};
  t.right_aligned = {false, false, false, true, true, true, false, true, false, true, true, true,
                     true,  true,  true,  true, true, true, true,  true, true,  true, true, true};
  for (const CaseRecord& r : results.cases) {
    const CaseKey& k = r.key;
    t.rows.push_back({r.pattern,
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
                      fixed(speedup(r, dense_median), 2),
                      gflop(r.flops.useful),
                      gflop(r.flops.executed),
                      gflop(r.flops.dense),
                      fixed(r.gflops_useful, 1),
                      probe_fraction_text(r.gemm_fraction, results.context),
                      fmt::format("{:.4f}", r.density.element),
                      fmt::format("{:.4f}", r.density.tile),
                      fmt::format("{:.4f}", r.density.waste),
                      fmt::format("{:.2f}", r.layout_ms),
                      mebibytes(r.memory.analytic_bytes),
                      mebibytes(r.memory.peak_rss_bytes),
                      r.accuracy ? fmt::format("{:.2e}", r.accuracy->max_abs_err) : "-"});
  }
  return t;
}

static void write_file(const std::string& path, const std::string& text) {
  std::ofstream file(path, std::ios::binary | std::ios::trunc);
  file << text;
  if (!file) throw std::runtime_error("cannot write " + path);
}

std::string write_case_tables(const RunResults& results, const std::string& directory) {
  const Table table = case_table(results);
  const std::string markdown = render_markdown(table);
  const RunContext& c = results.context;
  const std::string header = fmt::format(
      "# {}\n\nRun of `{}` (config hash {}) started {} on {} ({} cores, oneDNN {}, commit {}).\n"
      "Latency: median of the repetitions (* noisy); vs full: full attention's median (the sparse "
      "executor on the dense or causal mask, same lengths, same run) over this one's; vs masked "
      "dense: the dense executor's median on the same cell over this one's; FLOPs: 4 x head_dim "
      "per (query, key) pair, summed over batch and heads.\n\n",
      c.experiment, c.config_path, c.config_hash, c.started_utc, c.cpu_model, c.cores,
      c.onednn_version, c.git_commit);
  write_file(directory + "/table.md", header + markdown);
  write_file(directory + "/table.csv", render_csv(table));
  return markdown;
}

}  // namespace attnbench
