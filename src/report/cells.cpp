#include "report/cells.hpp"

#include <fmt/format.h>

#include <map>

#include "exec/executor_facts.hpp"
#include "report/data_table.hpp"

namespace attnbench {

std::vector<Cell> cells_of(const RunResults& results) {
  std::vector<Cell> cells;
  std::map<std::string, std::size_t> index;
  for (const CaseRecord& r : results.cases) {
    // Baseline-role records are not cells; reference records (--mode quality) time nothing.
    if (r.is_baseline || r.executor() == ExecutorKind::kReference) continue;
    const std::string key = cell_key(r.key);
    auto found = index.find(key);
    if (found == index.end()) {
      found = index.emplace(key, cells.size()).first;
      cells.emplace_back();
      cells.back().label = pattern_label(r) + dtype_suffix(r);
      cells.back().q_len = r.q_len, cells.back().kv_len = r.kv_len;
    }
    cells[found->second].by_executor[static_cast<std::size_t>(r.executor())] = &r;
  }
  for (Cell& cell : cells) {
    cell.baseline = cell.by_executor[static_cast<std::size_t>(baseline_executor())];
    cell.sparse = cell.by_executor[static_cast<std::size_t>(ExecutorKind::kSparse)];
  }
  return cells;
}

std::string pattern_label(const CaseRecord& r) {
  return r.label.empty() ? parameters_label(r) : r.label;
}

std::string parameters_label(const CaseRecord& r) {
  std::string label = r.pattern;
  if (r.params.contains("of")) return label + " " + r.params.at("of").dump();
  for (const auto& [name, value] : r.params.items()) {
    // Compared as std::string: GCC 12 warns falsely on json == const char* here.
    const std::string text = value.is_string() ? value.get<std::string>() : value.dump();
    if (name == "align" && text == "top_left") continue;
    label += " " + name + "=" + text;
  }
  return label;
}

std::string dtype_suffix(const CaseRecord& r) {
  // A pass other than the forward is named too: its rows would otherwise look like forward ones.
  std::string pass = r.key.pass == Pass::kForward ? "" : fmt::format(" {}", to_string(r.key.pass));
  if (r.key.dtype == DataType::kF32) return pass;
  return fmt::format(" {}{}{}", to_string(r.key.dtype), r.emulated ? " (emulated)" : "", pass);
}

std::optional<double> median_ms(const CaseRecord* r) {
  if (r == nullptr || !r->latency_ms) return std::nullopt;
  return r->latency_ms->median;
}

std::optional<double> speedup_vs_masked_dense(const Cell& c) {
  const auto d = median_ms(c.baseline), s = median_ms(c.sparse);
  if (!d || !s || *s <= 0) return std::nullopt;
  return *d / *s;
}

std::string number(std::optional<double> v, int digits) {
  return v ? fmt::format("{:.{}f}", *v, digits) : "-";
}

std::string speedup_vs_full_text(const CaseRecord* r) {
  if (r == nullptr || !r->latency_ms) return "-";
  if (r->speedup_vs_full) return fmt::format("{:.2f}", *r->speedup_vs_full);
  return "no baseline recorded";
}

std::string latency_text(const CaseRecord* r) {
  if (const auto m = median_ms(r)) {
    return fmt::format("{:.3f}{}", *m, r->noise && r->noise->noisy ? "*" : "");
  }
  return "-";
}

std::string probe_fraction_text(std::optional<double> fraction, const RunContext& context) {
  if (!fraction) return "-";
  return fmt::format("{:.3f}{}", *fraction, probe_fraction_doubtful(*fraction, context) ? "?" : "");
}

bool probe_fraction_doubtful(double fraction, const RunContext& context) {
  return context.disturbed || fraction > 1;
}

Json median_json(const CaseRecord* r) { return number_or_null(median_ms(r)); }

Json noisy_json(const CaseRecord* r) {
  return r && r->noise ? Json(r->noise->noisy) : Json(nullptr);
}

Json peak_rss_json(const CaseRecord* r) {
  return r && r->memory.peak_rss_bytes > 0 ? Json(r->memory.peak_rss_bytes) : Json(nullptr);
}

Json doubtful_json(std::optional<double> fraction, const RunContext& context) {
  return fraction ? Json(probe_fraction_doubtful(*fraction, context)) : Json(nullptr);
}

ExecutorPresence presence(const std::vector<Cell>& cells, ExecutorKind executor) {
  ExecutorPresence p;
  for (const Cell& c : cells) {
    const CaseRecord* r = c.by_executor[static_cast<std::size_t>(executor)];
    p.ran |= r != nullptr;
    p.timed |= median_ms(r).has_value();
  }
  return p;
}

std::string absence_reason(const std::vector<Cell>& cells, ExecutorKind executor) {
  const ExecutorPresence p = presence(cells, executor);
  const std::string_view name = facts_of(executor).label;
  if (!p.ran) {
    return fmt::format("no case ran on the {} executor (`executor:` in the config){}", name,
                       facts_of(executor).every_pair
                           ? "; it computes every score and masks afterwards, as much research "
                             "code does"
                           : "");
  }
  if (!p.timed) {
    return fmt::format(
        "no {} executor case was timed (`--mode check`, or each was skipped or failed: "
        "table.md says why)",
        name);
  }
  return "";
}

std::string executor_column(ExecutorKind executor, const std::string& figure) {
  return fmt::format("{}_{}", facts_of(executor).label, figure);
}

}  // namespace attnbench
