#include "runner/case_list.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>

#include "core/composite.hpp"
#include "core/content_pattern.hpp"
#include "core/errors.hpp"
#include "core/layout_bound.hpp"
#include "core/layout_transpose.hpp"
#include "exec/executor.hpp"
#include "exec/problem.hpp"
#include "runner/shard.hpp"

namespace attnbench {

namespace {

std::int64_t ceil_div(std::int64_t a, std::int64_t b) { return (a + b - 1) / b; }

// The transpose a gradient pass adds to the layout: column offsets and one entry per tile.
std::int64_t transpose_bytes(const Case& c, const Pattern& pattern, std::int64_t tiles) {
  const std::int64_t heads = pattern.varies_by_head() ? c.key.heads : 1;
  return (heads * ceil_div(c.kv_len, c.key.block_kv) + 1) *
             static_cast<std::int64_t>(sizeof(std::int64_t)) +
         tiles * static_cast<std::int64_t>(sizeof(TransposedTile));
}

// As cell_runner's guard counts it: Q, K, V, O, the executor's workspace and the layout, the
// layout bounded from the pattern's candidate key ranges (layout_bound.hpp). A content-dependent
// pattern's ranges are known only once it has decided from the inputs: its figure is without
// the layout, a lower bound.
void forecast_forward(const Case& c, std::int64_t limit, CaseForecast& f) {
  const Problem problem = problem_of(c);
  const auto fixed = static_cast<std::int64_t>(
      problem.io_bytes() + workspace_bytes(c.key.executor, problem, c.layout_shape()));
  const std::unique_ptr<Pattern> pattern = instantiate(c.pattern, c.q_len, c.kv_len, c.heads());
  f.bytes = fixed;
  if (dynamic_cast<const ContentPattern*>(pattern.get()) != nullptr) {
    f.at_least = true;
  } else {
    const LayoutBound bound = bound_layout(*pattern, c.layout_shape(), limit - fixed);
    const bool transpose = c.key.pass == Pass::kBackward || c.key.pass == Pass::kTrain;
    f.bytes = fixed + bound.bytes + (transpose ? transpose_bytes(c, *pattern, bound.tiles) : 0);
    f.at_least = bound.stopped;
  }
  f.guard = *f.bytes > limit ? "skip" : f.at_least ? "?" : "fits";
}

// "win radius=64 n=4096 sparse": the label and the axes a sweep usually varies, as progress
// lines name a case.
std::string short_name(const Case& c) {
  const CaseKey& k = c.key;
  const std::string lengths = k.seq_len == k.seq_kv_len
                                  ? fmt::format("{}", k.seq_len)
                                  : fmt::format("{}x{}", k.seq_len, k.seq_kv_len);
  std::string name = fmt::format("{} n={} {}", c.label, lengths, to_string(k.executor));
  if (k.dtype != DataType::kF32) name += fmt::format(" {}", to_string(k.dtype));
  if (k.pass != Pass::kForward) name += fmt::format(" {}", to_string(k.pass));
  return name;
}

}  // namespace

CaseForecast forecast_case(const Case& c, std::int64_t limit) {
  CaseForecast f;
  f.cost = predicted_cost(c);
  if (!c.skip_reason.empty()) {
    f.guard = "point";  // recorded skipped: a sweep point the pattern cannot take
    return f;
  }
  // Decoding's cache depends on the pattern's keep policy, planned step by step when it runs.
  if (c.key.pass == Pass::kDecode) {
    f.guard = "?";
    return f;
  }
  try {
    forecast_forward(c, limit, f);
  } catch (const std::exception& e) {  // a plugin that breaks its contract: the run will say
    f.bytes.reset();
    f.guard = fmt::format("? ({})", e.what());
  }
  return f;
}

std::string render_case_list(const std::vector<const Case*>& cases, std::int64_t limit) {
  std::vector<CaseForecast> forecasts;
  std::vector<std::string> names;
  double total_cost = 0;
  std::size_t name_width = 4;
  std::map<std::string, std::size_t> verdicts;
  for (const Case* c : cases) {
    forecasts.push_back(forecast_case(*c, limit));
    names.push_back(short_name(*c));
    total_cost += forecasts.back().cost;
    name_width = std::max(name_width, names.back().size());
    ++verdicts[forecasts.back().guard.substr(0, forecasts.back().guard.find(' '))];
  }
  name_width = std::min<std::size_t>(name_width, 56);
  std::string out = fmt::format("{:<{}}  {:>11}  {:>7}  {:<5}  {}\n", "case", name_width, "memory",
                                "cost", "guard", "id");
  for (std::size_t i = 0; i < cases.size(); ++i) {
    const CaseForecast& f = forecasts[i];
    const std::string memory =
        f.bytes ? (f.at_least ? ">=" : "") + format_bytes(*f.bytes) : std::string("-");
    const std::string share =
        total_cost > 0 ? fmt::format("{:.3g}%", 100 * f.cost / total_cost) : "-";
    const std::string& why = cases[i]->skip_reason;
    out += fmt::format("{:<{}}  {:>11}  {:>7}  {:<5}  {}{}\n", names[i], name_width, memory, share,
                       f.guard, cases[i]->id(), why.empty() ? "" : "  (" + why + ")");
  }
  out += fmt::format(
      "{} cases: {} fit, {} skipped by the memory guard ({}), {} undecided (?) until they run, "
      "{} sweep points the pattern cannot take (skipped). memory: the analytic bytes the guard "
      "compares, at most (>= at least: a content-dependent layout is known only when it runs); "
      "cost: share of the listed cases' predicted cost (dense work, what --shard balances). "
      "--ids: the ids alone.\n",
      cases.size(), verdicts["fits"], verdicts["skip"], format_bytes(limit), verdicts["?"],
      verdicts["point"]);
  return out;
}

}  // namespace attnbench
