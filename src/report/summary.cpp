#include "report/summary.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <map>

#include "report/cells.hpp"

namespace attnbench {

namespace {

constexpr std::size_t kLabelWidth = 42;

std::string fit(const std::string& label) {
  if (label.size() <= kLabelWidth) return label;
  return label.substr(0, kLabelWidth - 3) + "...";
}

// Prefers the sparse executor, then the longest length, then the first recorded.
bool better(const CaseRecord& candidate, const CaseRecord& held) {
  const bool sparse = candidate.executor() == ExecutorKind::kSparse;
  if (sparse != (held.executor() == ExecutorKind::kSparse)) return sparse;
  return candidate.q_len > held.q_len;
}

std::vector<const CaseRecord*> headline_records(const RunResults& results) {
  std::map<std::string, const CaseRecord*> chosen;
  std::vector<std::string> order;
  for (const CaseRecord& r : results.cases) {
    if (r.is_baseline || !is_success(r.status) || !r.latency_ms) continue;
    const std::string key = pattern_label(r) + dtype_suffix(r);
    auto [it, fresh] = chosen.emplace(key, &r);
    if (fresh) order.push_back(key);
    if (!fresh && better(r, *it->second)) it->second = &r;
  }
  std::vector<const CaseRecord*> rows;
  for (const std::string& key : order) rows.push_back(chosen.at(key));
  std::stable_sort(rows.begin(), rows.end(), [](const CaseRecord* a, const CaseRecord* b) {
    return a->speedup_vs_full.value_or(-1) > b->speedup_vs_full.value_or(-1);
  });
  return rows;
}

std::string mebibytes(std::int64_t bytes) {
  return bytes < 0 ? "-" : fmt::format("{:.0f}", static_cast<double>(bytes) / (1 << 20));
}

// "skipped: predicted 271 s, above baseline_max_s 240" out of "no baseline: ID (skipped: ...)".
std::string short_reason(const std::string& reason) {
  const std::size_t open = reason.rfind(" (");
  if (open == std::string::npos || reason.back() != ')') return reason;
  return reason.substr(open + 2, reason.size() - open - 3);
}

// Why a row shows no speedup: each distinct reason once, with its rows.
std::string missing_speedups(const std::vector<const CaseRecord*>& headline) {
  std::map<std::string, std::vector<std::string>> rows_by_reason;
  for (const CaseRecord* r : headline) {
    if (r->speedup_vs_full) continue;
    const std::string why =
        r->baseline_reason.empty() ? "no baseline recorded" : short_reason(r->baseline_reason);
    rows_by_reason[why].push_back(fit(pattern_label(*r) + dtype_suffix(*r)));
  }
  std::string out;
  for (const auto& [why, rows] : rows_by_reason)
    out += fmt::format("vs full '-' ({}): {}\n", fmt::join(rows, ", "), why);
  return out;
}

Table summary_table(const std::vector<const CaseRecord*>& headline) {
  Table t{{"pattern", "length", "ms", "vs full", "density", "peak MiB"},
          {},
          {false, true, true, true, true, true}};
  for (const CaseRecord* r : headline) {
    const std::string executor = r->executor() == ExecutorKind::kSparse ? "" : " [dense exec]";
    t.rows.push_back(
        {fit(pattern_label(*r) + dtype_suffix(*r) + executor), std::to_string(r->q_len),
         latency_text(r), r->speedup_vs_full ? fmt::format("{:.2f}x", *r->speedup_vs_full) : "-",
         fmt::format("{:.3f}", r->density.element), mebibytes(r->memory.peak_rss_bytes)});
  }
  return t;
}

}  // namespace

Table run_summary(const RunResults& results) { return summary_table(headline_records(results)); }

std::string render_run_summary(const RunResults& results) {
  const std::vector<const CaseRecord*> headline = headline_records(results);
  const Table table = summary_table(headline);
  if (table.rows.empty()) return "No case was timed.\n";
  return "Each pattern at the longest length it ran (sparse executor; * noisy). vs full: full\n"
         "attention's median (same run, same lengths) over the pattern's; density: the share of\n"
         "(query, key) pairs the mask allows. Every case: table.md.\n\n" +
         render_markdown(table) + missing_speedups(headline);
}

}  // namespace attnbench
