// The generic conformance checks: whatever a pattern offers besides its predicate (row filling,
// candidate key ranges, tile classification, closed-form pair counts) must agree with the
// predicate, its tile layout must expand back to it, and every executor must agree with the
// double-precision reference on it. Run by the test suite on every built-in pattern and by
// `attnbench conformance` on any registered one, a plugin's included.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "conformance/instances.hpp"

namespace attnbench::conformance {

// One check on one pattern instance: the first disagreement found, if any.
struct Verdict {
  bool applicable = true;  // false: the instance offers nothing this check compares
  std::optional<std::string> failure;
};

struct Check {
  const char* name;
  const char* compares;  // what against what, for the report
  Verdict (*run)(const PatternInstance& instance);
};

// fill_row, classifier, layout, closed_form, executors, gradients, in that order.
const std::vector<Check>& all_checks();

// The `gradients` check (gradient_check.cpp): both executors' dQ, dK, dV in a train pass.
Verdict check_executor_gradients(const PatternInstance& instance);

struct CheckResult {
  std::string check;
  int instances = 0;  // instances the check applied to
  std::optional<std::string> failure;
};

// Runs `check` on every instance until the first failure. A pattern that throws anything but
// ParamError while being checked fails with what it threw.
CheckResult run_check(const Check& check, const std::vector<PatternInstance>& instances);

}  // namespace attnbench::conformance
