#include "report/views.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <map>
#include <optional>

#include "exec/executor_facts.hpp"
#include "report/case_table.hpp"
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

}  // namespace

// speedup_vs_full first: full attention run the good way (the sparse executor on the dense,
// or causal, mask), measured in the same run. The masked dense executor's ratio comes second.
Table comparison_table(const RunResults& results) {
  const ExecutorKind sparse = ExecutorKind::kSparse, masked = baseline_executor();
  Table t{{"pattern", "q_len", "kv_len", column(sparse, "ms"), "full ms", "speedup vs full",
           column(masked, "ms"), "speedup vs masked dense", column(sparse, "GFLOP/s"), "GEMM frac",
           column(sparse, "peak MiB"), column(masked, "peak MiB"), column(sparse, "exponent"),
           column(masked, "exponent")},
          {},
          {false, true, true, true, true, true, true, true, true, true, true, true, true, true}};
  const ScalingFits fits(results);
  for (const Cell& c : cells_of(results)) {
    const CaseRecord* r = c.primary();
    const std::optional<double> full =
        r->baseline ? std::optional(r->baseline->median_ms) : std::nullopt;
    t.rows.push_back(
        {c.label, std::to_string(c.q_len), std::to_string(c.kv_len), latency_text(c.sparse),
         number(full, 3), speedup_vs_full_text(r), latency_text(c.baseline),
         number(speedup_vs_masked_dense(c), 2),
         number(c.sparse ? c.sparse->gflops_useful : std::nullopt, 1),
         probe_fraction_text(c.sparse ? c.sparse->gemm_fraction : std::nullopt, results.context),
         mib(c.sparse), mib(c.baseline), scaling_text(fits.of(c.sparse)),
         scaling_text(fits.of(c.baseline))});
  }
  return t;
}

Table flop_table(const RunResults& results) {
  Table t{{"pattern", "q_len", "kv_len", "useful GFLOP", "executed GFLOP (sparse)", "dense GFLOP",
           "useful / dense", "side GFLOP"},
          {},
          {false, true, true, true, true, true, true, true}};
  for (const Cell& c : cells_of(results)) {
    const CaseRecord& r = *c.primary();
    std::int64_t side = 0;
    for (const auto& [name, flops] : r.side_flops) side += flops;
    const std::int64_t executed = c.sparse ? c.sparse->flops.executed : r.flops.dense;
    t.rows.push_back({c.label, std::to_string(c.q_len), std::to_string(c.kv_len),
                      fmt::format("{:.3f}", static_cast<double>(r.flops.useful) * 1e-9),
                      fmt::format("{:.3f}", static_cast<double>(executed) * 1e-9),
                      fmt::format("{:.3f}", static_cast<double>(r.flops.dense) * 1e-9),
                      fmt::format("{:.4f}", static_cast<double>(r.flops.useful) /
                                                static_cast<double>(r.flops.dense)),
                      fmt::format("{:.3f}", static_cast<double>(side) * 1e-9)});
  }
  return t;
}

Table density_table(const std::vector<CaseRecord>& records) {
  Table t{{"pattern", "heads", "q_len", "kv_len", "tile", "allowed pairs", "closed form", "agree",
           "element density", "of causal", "tile density", "waste", "keys/query min", "mean", "max",
           "empty rows", "dense mask MiB", "layout MiB"},
          {},
          {false, true, true, true, true, true, true, false, true, true, true, true, true, true,
           true, true, true, true}};
  std::map<std::string, bool> seen;
  for (const CaseRecord& r : records) {
    const std::string key = mask_key(r.key);
    if (seen[key] || r.mask.total_tiles == 0) continue;
    seen[key] = true;
    const MaskFigures& m = r.mask;
    const std::string closed = m.closed_form_pairs ? std::to_string(*m.closed_form_pairs) : "-";
    const std::string agree =
        m.closed_form_pairs ? (*m.closed_form_pairs == m.allowed_pairs ? "yes" : "NO") : "-";
    const std::string of_causal =
        m.causal_pairs > 0 ? fmt::format("{:.4f}", static_cast<double>(m.allowed_pairs) /
                                                       static_cast<double>(m.causal_pairs))
                           : "-";
    t.rows.push_back(
        {pattern_label(r), std::to_string(r.key.heads), std::to_string(r.q_len),
         std::to_string(r.kv_len), fmt::format("{}x{}", r.key.block_q, r.key.block_kv),
         std::to_string(m.allowed_pairs), closed, agree, fmt::format("{:.4f}", r.density.element),
         of_causal, fmt::format("{:.4f}", r.density.tile),
         fmt::format("{:.4f}", m.tile_pairs ? 1.0 - static_cast<double>(m.allowed_pairs) /
                                                        static_cast<double>(m.tile_pairs)
                                            : 0.0),
         std::to_string(m.min_keys), fmt::format("{:.1f}", m.mean_keys), std::to_string(m.max_keys),
         std::to_string(m.empty_rows),
         fmt::format("{:.2f}", static_cast<double>(r.key.heads * r.q_len * r.kv_len) / (1 << 20)),
         fmt::format("{:.3f}", static_cast<double>(m.layout_bytes) / (1 << 20))});
    for (std::size_t h = 0; h < m.per_head.size(); ++h) {
      const HeadKeys& k = m.per_head[h];
      t.rows.push_back({fmt::format("  head {}", h), "1", std::to_string(r.q_len),
                        std::to_string(r.kv_len), "", std::to_string(k.allowed_pairs), "", "",
                        fmt::format("{:.4f}", static_cast<double>(k.allowed_pairs) /
                                                  static_cast<double>(r.q_len * r.kv_len)),
                        "", "", "", std::to_string(k.min_keys), fmt::format("{:.1f}", k.mean_keys),
                        std::to_string(k.max_keys), "", "", ""});
    }
  }
  return t;
}

namespace {

// The forward views read forward records; decode records have their own view.
std::vector<NamedTable> forward_views(const RunResults& results) {
  std::vector<NamedTable> views = {
      {"comparison",
       "Median latency of each case; full ms: full attention (causal when the pattern is) on the "
       "sparse executor at the same lengths, measured in the same run; speedup vs full: full ms / "
       "the case's ms; speedup vs masked dense: the dense executor (every score, mask applied "
       "afterwards) over the sparse one on the same mask. * marks a noisy case (spread or other "
       "load above the limits); ? marks a fraction of a disturbed probe or one above 1. "
       "GEMM frac: useful GFLOP/s over the machine's measured oneDNN GEMM rate. exponent: the "
       "least-squares slope of log median latency against log seq_len over the run's lengths "
       "(3 or more), with its R^2, per pattern and executor (1: linear, 2: quadratic).",
       comparison_table(results)},
      {"flops",
       "FLOPs: 4 x head_dim per (query, key) pair, summed over batch and heads; side: the method's "
       "other work (estimates, see the plugin's help).",
       flop_table(results)},
      {"break_even",
       "Shortest length at which the pattern beats full attention (speedup vs full reaches 1) on "
       "this machine, and the sparse latency with the layout build (and content preparation) "
       "amortised over k calls.",
       break_even_table(results)},
      {"density",
       "Mask density: allowed pairs counted from the layout against the paper's closed form, "
       "densities, keys per query, and mask metadata (a byte per pair vs the block layout).",
       density_table(results.cases)},
  };
  if (has_quality(results)) {
    views.push_back(
        {"quality",
         "How much of full attention each mask keeps, per input set: recall is the share of full "
         "attention's softmax mass (causal when the mask is, as the speedup's baseline) inside "
         "the mask, per sampled query row (check_rows per batch item and head; 0 for a row with "
         "no key), its mean, minimum and 10th percentile; output rel L2 is ||O - O_full|| / "
         "||O_full|| over those rows, all heads and the worst head. Double precision.",
         quality_table(results)});
  }
  return views;
}

}  // namespace

std::vector<NamedTable> all_views(const RunResults& all) {
  RunResults forward{all.context, {}, all.torn_lines};
  for (const CaseRecord& r : all.cases) {
    if (r.key.pass != Pass::kDecode) forward.cases.push_back(r);
  }
  std::vector<NamedTable> views = forward_views(forward);
  if (forward.cases.size() < all.cases.size())
    views.push_back({"decode", kDecodeCaption, decode_table(all)});
  return views;
}

}  // namespace attnbench
