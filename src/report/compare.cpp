#include "report/compare.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <stdexcept>

#include "measure/mann_whitney.hpp"

namespace attnbench {

namespace {

void warn_if_different(const std::string& what, const std::string& a, const std::string& b,
                       std::vector<std::string>& warnings) {
  if (a != b) warnings.push_back(fmt::format("the runs differ in {}: '{}' vs '{}'", what, a, b));
}

void compare_contexts(const RunContext& a, const RunContext& b, std::vector<std::string>& out) {
  warn_if_different("CPU", a.cpu_model, b.cpu_model, out);
  warn_if_different("host", a.hostname, b.hostname, out);
  warn_if_different("commit", a.git_commit, b.git_commit, out);
  warn_if_different("build type", a.build_type, b.build_type, out);
  warn_if_different("attnbench version", a.attnbench_version, b.attnbench_version, out);
  warn_if_different("oneDNN version", a.onednn_version, b.onednn_version, out);
  warn_if_different("compiler", a.compiler, b.compiler, out);
  for (const auto& [threads, rate] : a.gemm_gflops) {
    auto other = b.gemm_gflops.find(threads);
    if (other == b.gemm_gflops.end() || rate <= 0) continue;
    const double ratio = other->second / rate;
    if (std::abs(ratio - 1) > 0.10) {
      out.push_back(fmt::format("the GEMM probe on {} thread(s) differs: {:.0f} vs {:.0f} GFLOP/s",
                                threads, rate, other->second));
    }
  }
  if (a.disturbed || b.disturbed) out.push_back("a probe of one run was disturbed (spread > 1.25)");
}

bool same_binary(const RunContext& a, const RunContext& b) {
  return !a.build_id.empty() && a.build_id == b.build_id && a.hostname == b.hostname &&
         a.cpu_model == b.cpu_model;
}

std::map<std::string, const CaseRecord*> by_id(const RunResults& run,
                                               const std::vector<std::string>& ignore,
                                               const std::string& which) {
  std::map<std::string, const CaseRecord*> out;
  for (const CaseRecord& r : run.cases) {
    if (r.is_baseline) continue;
    const std::string id = id_without(r.key, ignore);
    if (!out.emplace(id, &r).second) {
      throw std::invalid_argument(fmt::format("run {}: two cases become {} once {} is left out",
                                              which, id, fmt::join(ignore, ", ")));
    }
  }
  return out;
}

// The ratio, or the verdict that leaves the case out of the test.
void measure(CaseComparison& c) {
  const CaseRecord &a = *c.a, &b = *c.b;
  if (!a.latency_ms || !b.latency_ms) {
    c.verdict = "untimed";
    return;
  }
  c.ratio = b.latency_ms->median / a.latency_ms->median;
  const std::vector<double>&sa = a.latency_ms->samples, &sb = b.latency_ms->samples;
  if (static_cast<int>(sa.size()) < kMinSamples || static_cast<int>(sb.size()) < kMinSamples) {
    c.verdict = "insufficient";
    return;
  }
  c.p_value = mann_whitney(sa, sb).p_value;
  if ((a.noise && a.noise->noisy) || (b.noise && b.noise->noisy)) c.verdict = "noisy";
}

// The case's own change: B / A, and B's samples, divided by the run's shift when the shift is
// the machine's (`machine_shift`, 1 otherwise).
void judge(CaseComparison& c, const CompareOptions& options, const RunShift& shift,
           double machine_shift) {
  // Repetitions of one run share its state (clock, memory placement, neighbours), so the test
  // finds 2 % shifts "significant" between two runs of one binary; the shift must also exceed
  // the runs' own spread and the spread between runs (README: how this was measured).
  c.margin = std::max({options.threshold, c.a->latency_ms->cv + c.b->latency_ms->cv,
                       shift.case_margin.value_or(0.0)});
  double ratio = *c.ratio;
  if (machine_shift != 1) {
    std::vector<double> b = c.b->latency_ms->samples;
    for (double& x : b) x /= machine_shift;
    c.p_value = mann_whitney(c.a->latency_ms->samples, b).p_value;
    c.net_ratio = ratio = *c.ratio / machine_shift;
  }
  const bool significant = *c.p_value < options.alpha;
  c.verdict = significant && ratio > 1 + *c.margin   ? "slower"
              : significant && ratio < 1 - *c.margin ? "faster"
                                                     : "same";
}

bool judged(const CaseComparison& c) { return c.b && c.p_value && c.verdict.empty(); }

// The ratios the between-run spread is read from: the judged cases', whose repetitions were
// steady; when fewer than kMinCasesForSpread were judged, every case both runs timed (noisy
// ones move further, which widens the margin: a gate errs that way).
std::vector<double> spread_ratios(const std::vector<CaseComparison>& cases) {
  std::vector<double> judged_ratios, timed;
  for (const CaseComparison& c : cases) {
    if (!c.ratio) continue;
    timed.push_back(*c.ratio);
    if (judged(c)) judged_ratios.push_back(*c.ratio);
  }
  return static_cast<int>(judged_ratios.size()) >= kMinCasesForSpread ? judged_ratios : timed;
}

// When most cases moved together, the machine or a change that touches everything moved them:
// back-to-back runs of one binary on a shared VM shifted by up to 20 % as a whole (README). With
// different executables a shift beyond the threshold that the sign test finds significant fails
// the gate; with one executable (`same_binary`) the code cannot have moved it, so it is reported
// and the cases are judged net of it.
void judge_whole_run(Comparison& out, const CompareOptions& options) {
  const RunShift& s = out.shift;
  if (s.cases < 3 || std::abs(s.median_ratio - 1) <= options.threshold) return;
  const bool slower = s.median_ratio > 1;
  const bool significant = s.sign_p < options.alpha;
  out.run_slower = slower && significant && !out.same_binary;
  out.warnings.push_back(fmt::format(
      "B is {:.0f} % {} than A over the median of {} cases timed by both runs (sign test p = "
      "{:.2g}{}): {}",
      std::abs(s.median_ratio - 1) * 100, slower ? "slower" : "faster", s.cases, s.sign_p,
      significant ? "" : ", not significant",
      out.same_binary ? "both runs ran the same executable (build ID), so the machine moved; "
                        "each case is judged net of this shift"
                      : "a shift of the whole run, which points at the machine when the binaries "
                        "are the same"));
}

// The shift each case is judged net of: the whole run's when one executable ran both runs and
// the sign test says the run moved, 1 otherwise.
double machine_shift(const Comparison& out, const CompareOptions& options) {
  const RunShift& s = out.shift;
  if (!out.same_binary || s.cases < 3 || s.sign_p >= options.alpha) return 1;
  return s.median_ratio;
}

// Labels shared by two cases (other threads, shapes or inputs) fall back to the ids.
void name_cases(std::vector<CaseComparison>& cases, bool show_ids) {
  std::map<std::string, int> uses;
  for (CaseComparison& c : cases) {
    const CaseRecord* r = c.a ? c.a : c.b;
    c.name = show_ids ? c.id : r->short_name();
    ++uses[c.name];
  }
  for (CaseComparison& c : cases) {
    if (uses[c.name] > 1) c.name = c.id;
  }
}

void check_axes(const std::vector<std::string>& ignore) {
  std::vector<std::string> known;
  for (const AxisDecl& axis : case_axes()) known.emplace_back(axis.name);
  for (const std::string& name : ignore) {
    if (std::find(known.begin(), known.end(), name) == known.end()) {
      throw std::invalid_argument(
          fmt::format("unknown axis '{}' (known: {})", name, fmt::join(known, ", ")));
    }
  }
}

}  // namespace

Comparison compare_runs(const RunResults& a, const RunResults& b, const CompareOptions& options) {
  check_axes(options.ignore);
  Comparison out;
  compare_contexts(a.context, b.context, out.warnings);
  const auto in_a = by_id(a, options.ignore, "A");
  auto in_b = by_id(b, options.ignore, "B");
  for (const auto& [id, ra] : in_a) {
    CaseComparison c{.id = id, .a = ra};
    auto it = in_b.find(id);
    if (it == in_b.end()) {
      c.verdict = "only_in_a";
    } else {
      c.b = it->second;
      in_b.erase(it);
      ++out.shared;
      measure(c);
    }
    out.cases.push_back(c);
  }
  for (const auto& [id, rb] : in_b)
    out.cases.push_back({.id = id, .b = rb, .verdict = "only_in_b"});
  out.shift = run_shift(spread_ratios(out.cases), options.alpha);
  // With an axis ignored the matched cases differ in it, and so may the whole run.
  out.same_binary = options.ignore.empty() && same_binary(a.context, b.context);
  const double shift = machine_shift(out, options);
  for (CaseComparison& c : out.cases) {
    if (judged(c)) judge(c, options, out.shift, shift);
    if (c.verdict == "slower") out.slower.push_back(c.id);
    if (c.a && c.b && is_success(c.a->status) && !is_success(c.b->status))
      out.regressed.push_back(c.id);
  }
  judge_whole_run(out, options);
  name_cases(out.cases, options.show_ids);
  return out;
}

Table Comparison::table() const {
  Table t{{"case", "status A", "status B", "median ms A", "median ms B", "B / A", "net", "margin",
           "p", "verdict"},
          {},
          {false, false, false, true, true, true, true, true, true, false}};
  auto status = [](const CaseRecord* r) { return r ? std::string(to_string(r->status)) : "-"; };
  auto median = [](const CaseRecord* r) {
    return r && r->latency_ms ? fmt::format("{:.3f}", r->latency_ms->median) : "-";
  };
  for (const CaseComparison& c : cases) {
    t.rows.push_back({c.name, status(c.a), status(c.b), median(c.a), median(c.b),
                      c.ratio ? fmt::format("{:.3f}", *c.ratio) : "-",
                      c.net_ratio ? fmt::format("{:.3f}", *c.net_ratio) : "-",
                      c.margin ? fmt::format("{:.3f}", *c.margin) : "-",
                      c.p_value ? fmt::format("{:.3g}", *c.p_value) : "-", c.verdict});
  }
  return t;
}

Json Comparison::json() const {
  Json rows = Json::array();
  for (const CaseComparison& c : cases) {
    rows.push_back(Json{
        {"id", c.id},
        {"name", c.name},
        {"status_a", c.a ? Json(to_string(c.a->status)) : Json(nullptr)},
        {"status_b", c.b ? Json(to_string(c.b->status)) : Json(nullptr)},
        {"median_ms_a", c.a && c.a->latency_ms ? Json(c.a->latency_ms->median) : Json(nullptr)},
        {"median_ms_b", c.b && c.b->latency_ms ? Json(c.b->latency_ms->median) : Json(nullptr)},
        {"ratio", c.ratio ? Json(*c.ratio) : Json(nullptr)},
        {"net_ratio", c.net_ratio ? Json(*c.net_ratio) : Json(nullptr)},
        {"margin", c.margin ? Json(*c.margin) : Json(nullptr)},
        {"p_value", c.p_value ? Json(*c.p_value) : Json(nullptr)},
        {"verdict", c.verdict}});
  }
  auto optional = [](const std::optional<double>& v) { return v ? Json(*v) : Json(nullptr); };
  const Json whole{{"cases", shift.cases},
                   {"median_ratio", shift.median_ratio},
                   {"sign_p", shift.sign_p},
                   {"spread", optional(shift.spread)},
                   {"case_margin", optional(shift.case_margin)},
                   {"same_binary", same_binary},
                   {"slower", run_slower}};
  return Json{{"shared", shared},       {"whole_run", whole},   {"slower", slower},
              {"regressed", regressed}, {"warnings", warnings}, {"cases", rows}};
}

}  // namespace attnbench
