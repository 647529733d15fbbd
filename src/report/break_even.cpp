// The break-even view: for each pattern, the shortest length at which it beats full attention
// (speedup_vs_full reaches 1), from the lengths the run measured.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>

#include "report/cells.hpp"
#include "report/views.hpp"

namespace attnbench {

namespace {

struct Point {
  std::int64_t q_len;
  double speedup;
};

// The first length with speedup >= 1, or the crossing interpolated in log(length).
std::pair<std::string, std::string> crossing(const std::vector<Point>& points) {
  for (std::size_t i = 0; i < points.size(); ++i) {
    if (points[i].speedup < 1.0) continue;
    if (i == 0)
      return {std::to_string(points[0].q_len), "at or below the shortest length measured"};
    const double a = std::log(static_cast<double>(points[i - 1].q_len)),
                 b = std::log(static_cast<double>(points[i].q_len));
    const double sa = points[i - 1].speedup, sb = points[i].speedup;
    return {fmt::format("{:.0f}", std::exp(a + (1.0 - sa) / (sb - sa) * (b - a))),
            "interpolated in log(length) between measured lengths"};
  }
  return {"-", "never faster than full attention in the measured range"};
}

}  // namespace

Table break_even_table(const RunResults& results) {
  Table t{{"pattern", "lengths measured", "break-even q_len", "how", "layout ms (longest)",
           "sparse ms incl. layout, k=1", "k=10", "k=100"},
          {},
          {false, false, true, false, true, true, true, true}};
  std::map<std::string, std::vector<const Cell*>> by_pattern;
  const std::vector<Cell> cells = cells_of(results);
  std::vector<std::string> order;
  for (const Cell& c : cells) {
    if (!c.sparse || !c.sparse->latency_ms) continue;
    if (by_pattern[c.label].empty()) order.push_back(c.label);
    by_pattern[c.label].push_back(&c);
  }
  for (const std::string& label : order) {
    std::vector<const Cell*>& list = by_pattern[label];
    std::sort(list.begin(), list.end(),
              [](const Cell* a, const Cell* b) { return a->q_len < b->q_len; });
    std::string lengths;
    std::vector<Point> points;
    for (const Cell* c : list) {
      lengths += (lengths.empty() ? "" : ",") + std::to_string(c->q_len);
      if (c->sparse->speedup_vs_full) points.push_back({c->q_len, *c->sparse->speedup_vs_full});
    }
    const auto [when, how] = points.empty()
                                 ? std::pair<std::string, std::string>{"-", "no baseline recorded"}
                                 : crossing(points);
    const CaseRecord& longest = *list.back()->sparse;
    const double layout = longest.layout_ms + longest.prepare_ms, run = longest.latency_ms->median;
    t.rows.push_back({label, lengths, when, how, fmt::format("{:.2f}", layout),
                      fmt::format("{:.3f}", run + layout), fmt::format("{:.3f}", run + layout / 10),
                      fmt::format("{:.3f}", run + layout / 100)});
  }
  return t;
}

}  // namespace attnbench
