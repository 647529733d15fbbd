#include "report/views.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <map>
#include <optional>

#include "exec/executor_facts.hpp"
#include "report/case_table.hpp"

namespace attnbench {

namespace {

// One cell (every axis of the case key but the executor) and its record on each executor.
struct Cell {
  std::string label;
  std::int64_t q_len = 0, kv_len = 0;
  std::array<const CaseRecord*, std::size(kAllExecutors)> by_executor{};
  const CaseRecord* baseline = nullptr;  // the baseline executor's record
  const CaseRecord* sparse = nullptr;    // the sparse executor's record
};

std::vector<Cell> cells_of(const RunResults& results) {
  std::vector<Cell> cells;
  std::map<std::string, std::size_t> index;
  for (const CaseRecord& r : results.cases) {
    auto [it, inserted] = index.emplace(cell_key(r.key), cells.size());
    if (inserted) cells.push_back(Cell{pattern_label(r), r.q_len, r.kv_len});
    Cell& cell = cells[it->second];
    cell.by_executor[static_cast<std::size_t>(r.executor())] = &r;
  }
  for (Cell& cell : cells) {
    cell.baseline = cell.by_executor[static_cast<std::size_t>(baseline_executor())];
    cell.sparse = cell.by_executor[static_cast<std::size_t>(ExecutorKind::kSparse)];
  }
  return cells;
}

std::optional<double> median(const CaseRecord* r) {
  if (r == nullptr || !r->latency_ms) return std::nullopt;
  return r->latency_ms->median;
}

std::string number(std::optional<double> v, int digits) {
  return v ? fmt::format("{:.{}f}", *v, digits) : "-";
}

std::string mib(const CaseRecord* r) {
  return r && r->memory.peak_rss_bytes > 0
             ? fmt::format("{:.1f}", static_cast<double>(r->memory.peak_rss_bytes) / (1 << 20))
             : "-";
}

std::optional<double> speedup(const Cell& c) {
  const auto d = median(c.baseline), s = median(c.sparse);
  if (!d || !s || *s <= 0) return std::nullopt;
  return *d / *s;
}

const CaseRecord* any_record(const Cell& c) { return c.sparse ? c.sparse : c.baseline; }

std::string column(ExecutorKind executor, const std::string& what) {
  return fmt::format("{} {}", facts_of(executor).label, what);
}

}  // namespace

std::string pattern_label(const CaseRecord& r) {
  std::string label = r.pattern;
  if (r.params.contains("of")) return label + " " + r.params.at("of").dump();
  for (const auto& [name, value] : r.params.items()) {
    if (name == "align" && value == "top_left") continue;
    label += " " + name + "=" + (value.is_string() ? value.get<std::string>() : value.dump());
  }
  return label;
}

Table comparison_table(const RunResults& results) {
  const ExecutorKind sparse = ExecutorKind::kSparse, baseline = baseline_executor();
  Table t{{"pattern", "q_len", "kv_len", column(sparse, "ms"), column(baseline, "ms"), "speedup",
           column(sparse, "GFLOP/s"), "GEMM frac", column(sparse, "peak MiB"),
           column(baseline, "peak MiB")},
          {},
          {false, true, true, true, true, true, true, true, true, true}};
  for (const Cell& c : cells_of(results)) {
    t.rows.push_back({c.label, std::to_string(c.q_len), std::to_string(c.kv_len),
                      number(median(c.sparse), 3), number(median(c.baseline), 3),
                      number(speedup(c), 2),
                      number(c.sparse ? c.sparse->gflops_useful : std::nullopt, 1),
                      number(c.sparse ? c.sparse->gemm_fraction : std::nullopt, 3), mib(c.sparse),
                      mib(c.baseline)});
  }
  return t;
}

Table flop_table(const RunResults& results) {
  Table t{{"pattern", "q_len", "kv_len", "useful GFLOP", "executed GFLOP (sparse)", "dense GFLOP",
           "useful / dense", "side GFLOP"},
          {},
          {false, true, true, true, true, true, true, true}};
  for (const Cell& c : cells_of(results)) {
    const CaseRecord& r = *any_record(c);
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

// For each pattern: the shortest measured length where sparse beats dense, or the crossing of
// speedup 1 interpolated linearly in log(length) between the two measured lengths around it.
Table break_even_table(const RunResults& results) {
  Table t{{"pattern", "lengths measured", "break-even q_len", "how", "layout ms (longest)",
           "sparse ms incl. layout, k=1", "k=10", "k=100"},
          {},
          {false, false, true, false, true, true, true, true}};
  std::map<std::string, std::vector<const Cell*>> by_pattern;
  const std::vector<Cell> cells = cells_of(results);
  std::vector<std::string> order;
  for (const Cell& c : cells) {
    if (!speedup(c)) continue;
    if (by_pattern[c.label].empty()) order.push_back(c.label);
    by_pattern[c.label].push_back(&c);
  }
  for (const std::string& label : order) {
    std::vector<const Cell*>& list = by_pattern[label];
    std::sort(list.begin(), list.end(),
              [](const Cell* a, const Cell* b) { return a->q_len < b->q_len; });
    std::string lengths, when = "-", how = "never faster in the measured range";
    for (const Cell* c : list) lengths += (lengths.empty() ? "" : ",") + std::to_string(c->q_len);
    for (std::size_t i = 0; i < list.size(); ++i) {
      if (*speedup(*list[i]) < 1.0) continue;
      if (i == 0) {
        when = std::to_string(list[0]->q_len), how = "at or below the shortest length measured";
      } else {
        const double a = std::log(static_cast<double>(list[i - 1]->q_len)),
                     b = std::log(static_cast<double>(list[i]->q_len));
        const double sa = *speedup(*list[i - 1]), sb = *speedup(*list[i]);
        when = fmt::format("{:.0f}", std::exp(a + (1.0 - sa) / (sb - sa) * (b - a)));
        how = "interpolated in log(length) between measured lengths";
      }
      break;
    }
    const Cell& longest = *list.back();
    const double layout = longest.sparse->layout_ms + longest.sparse->prepare_ms,
                 run = *median(longest.sparse);
    t.rows.push_back({label, lengths, when, how, fmt::format("{:.2f}", layout),
                      fmt::format("{:.3f}", run + layout), fmt::format("{:.3f}", run + layout / 10),
                      fmt::format("{:.3f}", run + layout / 100)});
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

std::vector<NamedTable> all_views(const RunResults& results) {
  return {
      {"comparison",
       "Median latency of the sparse and dense executors on the same cell, speedup (dense / "
       "sparse), "
       "useful GFLOP/s and its fraction of the machine's measured GEMM rate, measured peak RSS.",
       comparison_table(results)},
      {"flops",
       "FLOPs: 4 x head_dim per (query, key) pair, summed over batch and heads; side: the method's "
       "other work (estimates, see the plugin's help).",
       flop_table(results)},
      {"break_even",
       "Shortest length at which the sparse executor beats the dense one on this machine, and the "
       "sparse latency with the layout build (and content preparation) amortised over k calls.",
       break_even_table(results)},
      {"density",
       "Mask density: allowed pairs counted from the layout against the paper's closed form, "
       "densities, keys per query, and mask metadata (a byte per pair vs the block layout).",
       density_table(results.cases)},
  };
}

}  // namespace attnbench
