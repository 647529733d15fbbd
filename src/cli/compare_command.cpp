// `attnbench compare RUN_A RUN_B`: a regression gate. Exit 1 when a shared case of B is slower
// (a significant Mann-Whitney test and a median ratio beyond the margin), when B is slower as a
// whole (median ratio and sign test), or when a case failed where A passed; exit 2 when the runs
// share no case (unless --allow-partial).
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <map>

#include "cli/commands.hpp"
#include "report/compare.hpp"
#include "runner/results_file.hpp"

namespace attnbench {

namespace {

void check_args(const CompareArgs& args) {
  auto bad = [](const std::string& option, const std::string& what) {
    throw InputError(SourceLocation{option, 0, 0}, "", what);
  };
  if (!(args.threshold >= 0)) bad("--threshold", "expected a non-negative fraction");
  if (!(args.alpha > 0 && args.alpha < 1)) bad("--alpha", "expected a level between 0 and 1");
  if (args.format != "md" && args.format != "json") bad("--format", "expected md or json");
}

std::string between_run_text(const RunShift& s) {
  if (!s.case_margin) {
    return fmt::format(" (not estimated: {} cases timed by both runs, {} needed)", s.cases,
                       kMinCasesForSpread);
  }
  return fmt::format(
      " ({:.3f}: the spread of log(B / A) over the {} cases both runs timed, 1.4826 x its median "
      "absolute "
      "deviation = {:.3f}, times the normal quantile of alpha / {} two-sided; it is what one case "
      "moves between two runs of one binary)",
      *s.case_margin, s.cases, *s.spread, s.cases);
}

void print_summary(const Comparison& c) {
  std::map<std::string, int> verdicts;
  for (const CaseComparison& k : c.cases) ++verdicts[k.verdict];
  std::string counts;
  for (const auto& [verdict, n] : verdicts) counts += fmt::format(", {} {}", n, verdict);
  fmt::print("\n{} shared cases{}\n", c.shared, counts);
}

}  // namespace

int compare_command(const CompareArgs& args) {
  check_args(args);
  // The comparison points into the runs: they live as long as it does.
  const RunResults a = select_records(load_run_folder(args.run_a), args.selection, args.run_a);
  const RunResults b = select_records(load_run_folder(args.run_b), args.selection, args.run_b);
  Comparison c;
  try {
    c = compare_runs(a, b, CompareOptions{args.threshold, args.alpha, args.ignore, args.show_ids});
  } catch (const std::invalid_argument& e) {
    throw InputError(SourceLocation{"--ignore", 0, 0}, "", e.what());
  }
  for (const std::string& w : c.warnings) spdlog::warn("{}", w);
  if (args.format == "json") {
    fmt::print("{}\n", c.json().dump(1));
  } else {
    fmt::print(
        "# {} vs {}\n\nMedian latencies of the cases both runs hold. A verdict needs {} samples a "
        "side; slower / faster: a two-sided Mann-Whitney U test on the repetition times below "
        "alpha {} and B / A beyond 1 +- margin, the largest of {}, the two runs' cv summed and "
        "the between-run margin{}; net: B / A divided by the whole run's shift {:.3f}, what the "
        "verdict judges when one executable (build ID) ran both runs and the run moved as a whole "
        "(sign test); noisy: either run flagged the case.\n\n{}",
        args.run_a, args.run_b, kMinSamples, args.alpha, args.threshold, between_run_text(c.shift),
        c.shift.median_ratio, render_markdown(c.table()));
    print_summary(c);
  }
  for (const CaseComparison& k : c.cases) {
    if (k.verdict == "slower") spdlog::error("slower: {}", k.name);
  }
  for (const std::string& id : c.regressed) spdlog::error("passed in A, not in B: {}", id);
  if (c.run_slower) spdlog::error("B is slower as a whole (see the warning above)");
  if (c.shared == 0 && !args.allow_partial) {
    throw InputError(SourceLocation{args.run_b, 0, 0}, "",
                     fmt::format("no case of {} is in {} (--allow-partial accepts that)",
                                 args.run_b, args.run_a));
  }
  return c.slower.empty() && c.regressed.empty() && !c.run_slower ? 0 : 1;
}

}  // namespace attnbench
