// The break-even view: for each series of lengths (a pattern with every other axis fixed), the
// shortest length at which it beats full attention (speedup_vs_full reaches 1), from the lengths
// the run measured.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>

#include "report/case_rows.hpp"
#include "report/cells.hpp"
#include "report/views.hpp"

namespace attnbench {

namespace {

constexpr const char* kBreakEvenCaption =
    "Shortest length at which the pattern beats full attention (speedup vs full reaches 1) on "
    "this machine, and the sparse latency with the layout build (and content preparation) "
    "amortised over k calls.";

struct Point {
  std::int64_t q_len;
  double speedup;
};

struct Crossing {
  std::optional<double> q_len;
  std::string how;   // for programs: at_or_below_shortest, interpolated, not_reached, no_baseline
  std::string text;  // for people
};

// The first length with speedup >= 1, or the crossing interpolated in log(length).
Crossing crossing(const std::vector<Point>& points) {
  if (points.empty()) return {std::nullopt, "no_baseline", "no baseline recorded"};
  for (std::size_t i = 0; i < points.size(); ++i) {
    if (points[i].speedup < 1.0) continue;
    if (i == 0) {
      return {static_cast<double>(points[0].q_len), "at_or_below_shortest",
              "at or below the shortest length measured"};
    }
    const double a = std::log(static_cast<double>(points[i - 1].q_len)),
                 b = std::log(static_cast<double>(points[i].q_len));
    const double sa = points[i - 1].speedup, sb = points[i].speedup;
    return {std::round(std::exp(a + (1.0 - sa) / (sb - sa) * (b - a))), "interpolated",
            "interpolated in log(length) between measured lengths"};
  }
  return {std::nullopt, "not_reached", "never faster than full attention in the measured range"};
}

// The cells of each series with a timed sparse case, series in the order first seen.
std::vector<std::vector<const Cell*>> series_of(const std::vector<Cell>& cells) {
  std::map<std::string, std::size_t> index;
  std::vector<std::vector<const Cell*>> series;
  for (const Cell& c : cells) {
    if (!c.sparse || !c.sparse->latency_ms) continue;
    const std::string key = id_without(c.sparse->key, {"seq_len", "seq_kv_len"});
    const auto [at, fresh] = index.emplace(key, series.size());
    if (fresh) series.emplace_back();
    series[at->second].push_back(&c);
  }
  for (auto& list : series) {
    std::stable_sort(list.begin(), list.end(),
                     [](const Cell* a, const Cell* b) { return a->q_len < b->q_len; });
  }
  return series;
}

void add_row(NamedTable& view, CaseRows& data, const std::vector<const Cell*>& list) {
  std::string lengths;
  Json q_lens = Json::array();
  std::vector<Point> points;
  for (const Cell* c : list) {
    lengths += (lengths.empty() ? "" : ",") + std::to_string(c->q_len);
    q_lens.push_back(c->q_len);
    if (c->sparse->speedup_vs_full) points.push_back({c->q_len, *c->sparse->speedup_vs_full});
  }
  const Crossing when = crossing(points);
  const CaseRecord& longest = *list.back()->sparse;
  const double layout = longest.layout_ms + longest.prepare_ms, run = longest.latency_ms->median;
  view.table.rows.push_back({list.back()->label, lengths, number(when.q_len, 0), when.text,
                             fmt::format("{:.2f}", layout), fmt::format("{:.3f}", run + layout),
                             fmt::format("{:.3f}", run + layout / 10),
                             fmt::format("{:.3f}", run + layout / 100)});
  Json& row = data.add(longest);
  row["q_lens_measured"] = q_lens;
  row["break_even_q_len"] =
      when.q_len ? Json(static_cast<std::int64_t>(*when.q_len)) : Json(nullptr);
  row["how"] = when.how;
  row["longest_q_len"] = longest.q_len;
  row["layout_ms_longest"] = number_or_null(layout);
  row["sparse_ms_with_layout_k1"] = number_or_null(run + layout);
  row["sparse_ms_with_layout_k10"] = number_or_null(run + layout / 10);
  row["sparse_ms_with_layout_k100"] = number_or_null(run + layout / 100);
}

}  // namespace

NamedTable break_even_view(const RunResults& results) {
  NamedTable view{"break_even", kBreakEvenCaption};
  view.table = Table{{"pattern", "lengths measured", "break-even q_len", "how",
                      "layout ms (longest)", "sparse ms incl. layout, k=1", "k=10", "k=100"},
                     {},
                     {false, false, true, false, true, true, true, true}};
  CaseRows data(RowAxes::kSeries, {"q_lens_measured", "break_even_q_len", "how", "longest_q_len",
                                   "layout_ms_longest", "sparse_ms_with_layout_k1",
                                   "sparse_ms_with_layout_k10", "sparse_ms_with_layout_k100"});
  const std::vector<Cell> cells = cells_of(results);
  for (const auto& list : series_of(cells)) add_row(view, data, list);
  view.data = data.table();
  std::string no_sparse = absence_reason(cells, ExecutorKind::kSparse);
  if (no_sparse.empty()) no_sparse = "no cell";
  explain_empty(view,
                {{"",
                  "the break-even length sets the sparse executor against full attention, "
                  "and " +
                      no_sparse},
                 {"break-even q_len", ""}},
                "the `how` column says why");
  return view;
}

}  // namespace attnbench
