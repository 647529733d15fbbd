// Generic over the registry: every built-in pattern passes every conformance check
// (src/conformance, the same checks `attnbench conformance` runs on a plugin).
#include <gtest/gtest.h>

#include "conformance/checks.hpp"
#include "core/registry.hpp"

namespace attnbench::conformance {
namespace {

struct PatternCheck {
  std::string pattern;
  const Check* check;
};

// What gtest prints for the parameter: "sliding_window/layout" rather than the struct's bytes.
void PrintTo(const PatternCheck& c, std::ostream* out) {
  *out << c.pattern << "/" << c.check->name;
}

class Conformance : public ::testing::TestWithParam<PatternCheck> {};

TEST_P(Conformance, Passes) {
  const auto& [pattern, check] = GetParam();
  const std::vector<PatternInstance> instances = instances_of(*find_pattern(pattern));
  ASSERT_FALSE(instances.empty()) << "no geometry accepted by " << pattern;
  const CheckResult result = run_check(*check, instances);
  EXPECT_FALSE(result.failure) << *result.failure;
  RecordProperty("instances_checked", result.instances);
  if (std::string(check->name) != "closed_form") {
    EXPECT_EQ(result.instances, static_cast<int>(instances.size()));
  }
}

std::vector<PatternCheck> every_pattern_and_check() {
  std::vector<PatternCheck> cases;
  for (const PatternInfo* info : all_patterns()) {
    for (const Check& check : all_checks()) cases.push_back({info->name, &check});
  }
  return cases;
}

INSTANTIATE_TEST_SUITE_P(AllPatterns, Conformance, ::testing::ValuesIn(every_pattern_and_check()),
                         [](const auto& test_param) {
                           return test_param.param.pattern + "_" + test_param.param.check->name;
                         });

}  // namespace
}  // namespace attnbench::conformance
