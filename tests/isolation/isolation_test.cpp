// One bad case does not take the sweep down: a plugin that throws and one whose classifier lies
// each fail their own case with a clear status, the other cases pass, the exit code says so.
#include <gtest/gtest.h>

#include <filesystem>

#include "config/experiment.hpp"
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
  EXPECT_EQ(run_sweep(e, SweepOptions{.mode = "all", .out_dir = dir.string()}), 1);
  const RunResults results = read_results((dir / "results.jsonl").string());
  ASSERT_EQ(results.cases.size(), 8u);
  for (const CaseRecord& r : results.cases) {
    if (r.pattern == "test_throwing") {
      EXPECT_EQ(r.status, "error") << r.id;
      EXPECT_NE(r.message.find("the predicate failed on purpose"), std::string::npos) << r.message;
    } else if (r.pattern == "test_lying") {
      EXPECT_EQ(r.status, "error") << r.id;
      EXPECT_NE(r.message.find("disagrees with the predicate"), std::string::npos) << r.message;
      EXPECT_NE(r.message.find("classifier said full"), std::string::npos) << r.message;
    } else {
      EXPECT_EQ(r.status, "passed") << r.id << ": " << r.message;
    }
  }
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace attnbench
