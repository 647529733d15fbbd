#include "report/compare.hpp"

#include <fmt/format.h>

#include <map>

namespace attnbench {

namespace {

void warn_if_different(const std::string& what, const std::string& a, const std::string& b,
                       std::vector<std::string>& warnings) {
  if (a != b) warnings.push_back(fmt::format("the runs differ in {}: '{}' vs '{}'", what, a, b));
}

}  // namespace

Comparison compare_runs(const RunResults& a, const RunResults& b, double threshold) {
  Comparison out;
  const RunContext &ca = a.context, &cb = b.context;
  warn_if_different("CPU", ca.cpu_model, cb.cpu_model, out.warnings);
  warn_if_different("host", ca.hostname, cb.hostname, out.warnings);
  warn_if_different("oneDNN version", ca.onednn_version, cb.onednn_version, out.warnings);
  warn_if_different("compiler", ca.compiler, cb.compiler, out.warnings);
  std::map<std::string, const CaseRecord*> in_b;
  for (const CaseRecord& r : b.cases) in_b[r.id()] = &r;
  out.table =
      Table{{"case", "status A", "status B", "median ms A", "median ms B", "B / A", "verdict"},
            {},
            {false, false, false, true, true, true, false}};
  for (const CaseRecord& ra : a.cases) {
    auto it = in_b.find(ra.id());
    if (it == in_b.end()) {
      ++out.only_a;
      continue;
    }
    const CaseRecord& rb = *it->second;
    in_b.erase(it);
    std::string ratio = "-", verdict = "not timed in both";
    if (ra.latency_ms && rb.latency_ms && ra.latency_ms->median > 0) {
      const double r = rb.latency_ms->median / ra.latency_ms->median;
      ratio = fmt::format("{:.3f}", r);
      verdict = r > 1.0 + threshold ? "SLOWER" : r < 1.0 - threshold ? "faster" : "same";
      if (r > 1.0 + threshold) out.slower.push_back(ra.id());
    }
    out.table.rows.push_back(
        {ra.id(), std::string(to_string(ra.status)), std::string(to_string(rb.status)),
         ra.latency_ms ? fmt::format("{:.3f}", ra.latency_ms->median) : "-",
         rb.latency_ms ? fmt::format("{:.3f}", rb.latency_ms->median) : "-", ratio, verdict});
  }
  out.only_b = static_cast<int>(in_b.size());
  return out;
}

}  // namespace attnbench
