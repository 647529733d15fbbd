// `attnbench conformance`: the test suite's generic checks on any registered pattern, so that a
// plugin's author checks it with one command.
#include <fmt/format.h>

#include <chrono>

#include "cli/commands.hpp"
#include "conformance/checks.hpp"
#include "core/plugin_loader.hpp"

namespace attnbench {

namespace {

std::vector<const PatternInfo*> patterns_to_check(const std::vector<std::string>& names) {
  std::vector<const PatternInfo*> chosen;
  for (const std::string& name : names) {
    const PatternInfo* info = find_pattern(name);
    if (info == nullptr) {
      throw InputError(SourceLocation{"conformance", 0, 0}, name,
                       "no such pattern (see `attnbench patterns`; a plugin's needs --plugin)");
    }
    chosen.push_back(info);
  }
  if (!chosen.empty()) return chosen;
  for (const PatternInfo* info : all_patterns()) {
    if (loaded_plugins().empty() || !info->origin.empty()) chosen.push_back(info);
  }
  return chosen;
}

// The geometries some parameter set refused, so that a skipped geometry is never silent.
void print_refusals(const PatternInfo& info, const conformance::InstanceSurvey& survey) {
  for (const conformance::RefusedGeometry& g : survey.refused) {
    fmt::print("  skip {:<12} q{} kv{} {}: refused by {} of {} parameter sets ({})\n",
               conformance::geometry_kind_name(g.kind), g.q_len, g.kv_len, g.align, g.refused, g.of,
               g.first_reason);
  }
  if (info.square_only) {
    fmt::print("  square-only (declared): rectangular and bottom-right instances not required\n");
  }
}

// Prints one pattern's checks; returns how many failed.
int check_pattern(const PatternInfo& info) {
  using Clock = std::chrono::steady_clock;
  const auto start = Clock::now();
  fmt::print("{}{}\n", info.name, info.origin.empty() ? "" : "  (plugin " + info.origin + ")");
  conformance::InstanceSurvey survey;
  try {
    survey = conformance::survey_instances(info);
  } catch (const std::exception& e) {
    fmt::print("  FAIL instances: making the pattern threw: {}\n", e.what());
    return 1;
  }
  const std::vector<conformance::PatternInstance>& instances = survey.instances;
  if (instances.empty()) {
    fmt::print(
        "  FAIL instances: the pattern refused its defaults and every example at every "
        "conformance geometry\n");
    return 1;
  }
  print_refusals(info, survey);
  int failed = 0;
  if (const auto failure = conformance::coverage_failure(info, survey)) {
    fmt::print("  FAIL {:<12} {}\n", "geometries", *failure);
    ++failed;
  } else {
    fmt::print("  ok   {:<12} {} square, {} rectangular, {} bottom-right instances\n", "geometries",
               survey.accepted[0], survey.accepted[1], survey.accepted[2]);
  }
  for (const conformance::Check& check : conformance::all_checks()) {
    const conformance::CheckResult result = conformance::run_check(check, instances);
    if (result.failure) {
      ++failed;
      fmt::print("  FAIL {:<12} {}\n", check.name, *result.failure);
    } else if (result.instances == 0) {
      fmt::print("  n/a  {:<12} the pattern offers nothing to compare ({})\n", check.name,
                 check.compares);
    } else {
      fmt::print("  ok   {:<12} {} instances: {}\n", check.name, result.instances, check.compares);
    }
  }
  const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  const std::size_t checks = conformance::all_checks().size() + 1;  // + geometries
  fmt::print("  {} of {} checks passed on {} instances in {:.1f} s\n",
             checks - static_cast<std::size_t>(failed), checks, instances.size(), seconds);
  return failed;
}

}  // namespace

int conformance_command(const std::vector<std::string>& names) {
  const std::vector<const PatternInfo*> patterns = patterns_to_check(names);
  int failed_patterns = 0;
  for (const PatternInfo* info : patterns) failed_patterns += check_pattern(*info) > 0 ? 1 : 0;
  fmt::print("conformance: {} of {} patterns passed every check\n",
             patterns.size() - static_cast<std::size_t>(failed_patterns), patterns.size());
  return failed_patterns == 0 ? 0 : 1;
}

}  // namespace attnbench
