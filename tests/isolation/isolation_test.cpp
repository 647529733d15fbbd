// One bad case does not take the sweep down: a plugin that throws and one whose classifier lies
// each fail their own case with a clear status, the other cases pass, the exit code says so.
#include <gtest/gtest.h>

#include <filesystem>

#include "config/experiment.hpp"
#include "conformance/checks.hpp"
#include "results/record.hpp"
#include "runner/sweep.hpp"

namespace attnbench {
namespace {

TEST(Isolation, BrokenPluginsFailOnlyTheirOwnCases) {
  const std::filesystem::path dir = std::filesystem::temp_directory_path() /
                                    ("attnbench_isolation_" + std::to_string(::getpid()));
  const Experiment e = load_experiment_text(R"(name: isolation
shape: {heads: 2, head_dim: 32}
seq_len: 200
executor: [dense, sparse]
threads: 2
repetitions: 1
patterns:
  - {name: dense, params: {causal: true}}
  - {name: test_throwing}
  - {name: test_lying}
  - {name: sliding_window, params: {radius: 8}}
)",
                                            "isolation.yaml", {});
  EXPECT_EQ(run_sweep(e, SweepOptions{.mode = RunMode::kAll, .out_dir = dir.string()}), 1);
  const RunResults results = read_results((dir / "results.jsonl").string());
  ASSERT_EQ(results.cases.size(), 9u);  // 8 cases and causal full attention, their baseline
  for (const CaseRecord& r : results.cases) {
    if (r.pattern == "test_throwing") {
      EXPECT_EQ(r.status, CaseStatus::kError) << r.id();
      EXPECT_NE(r.message.find("the predicate failed on purpose"), std::string::npos) << r.message;
    } else if (r.pattern == "test_lying") {
      EXPECT_EQ(r.status, CaseStatus::kError) << r.id();
      EXPECT_NE(r.message.find("disagrees with the predicate"), std::string::npos) << r.message;
      EXPECT_NE(r.message.find("classifier said full"), std::string::npos) << r.message;
    } else {
      EXPECT_EQ(r.status, CaseStatus::kPassed) << r.id() << ": " << r.message;
    }
  }
  std::filesystem::remove_all(dir);
}

// The checks `attnbench conformance` runs must fail a broken pattern, and say why.
conformance::CheckResult check(const std::string& pattern, const std::string& check_name) {
  const auto instances = conformance::instances_of(*find_pattern(pattern));
  for (const conformance::Check& c : conformance::all_checks()) {
    if (c.name == check_name) return conformance::run_check(c, instances);
  }
  throw std::logic_error("no check " + check_name);
}

TEST(Isolation, ConformanceFailsALyingClassifierAndSaysWhere) {
  EXPECT_FALSE(check("test_lying", "fill_row").failure);
  const auto classifier = check("test_lying", "classifier");
  ASSERT_TRUE(classifier.failure);
  EXPECT_NE(classifier.failure->find("test_lying [align=top_left] q16 kv16: head 0 tile queries "
                                     "[0, 7) keys [0, 5): classify says full, but allows "
                                     "permits 25 of its 35 pairs (partial)"),
            std::string::npos)
      << *classifier.failure;
  const auto executors = check("test_lying", "executors");
  ASSERT_TRUE(executors.failure);
  EXPECT_NE(executors.failure->find("executor, head 0 query row"), std::string::npos)
      << *executors.failure;
}

TEST(Isolation, ConformanceReportsWhatAPatternThrew) {
  const auto result = check("test_throwing", "fill_row");
  ASSERT_TRUE(result.failure);
  EXPECT_NE(result.failure->find("threw: test_throwing: the predicate failed on purpose"),
            std::string::npos)
      << *result.failure;
}

}  // namespace
}  // namespace attnbench
