// Baselines: every timed case is measured against full attention (causal when the pattern is),
// once per distinct baseline, reused when the sweep holds it, skipped with a reason when it would
// cost too much or the config says `baseline: none`, never in check mode; shards keep a
// baseline's cases together.
#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <set>

#include "config/experiment.hpp"
#include "report/summary.hpp"
#include "runner/baseline.hpp"
#include "runner/shard.hpp"
#include "runner/sweep.hpp"

namespace attnbench {
namespace {

const std::string kConfig = R"(name: baselines
shape: {heads: 2, head_dim: 16}
seq_len: [128, 256]
executor: sparse
threads: 1
repetitions: 2
min_time_ms: 1
patterns:
  - {name: sliding_window, params: {radius: 8, causal: true}}
  - {name: block_local, params: {block: 32}}
  - {name: sliding_window, params: {radius: 16, causal: true}}
)";

class Baselines : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("attnbench_baselines_" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  RunResults run(const std::string& extra, RunMode mode = RunMode::kPerf) {
    const Experiment e = load_experiment_text(kConfig + extra, "baselines.yaml", {});
    const std::string out = (dir_ / std::to_string(runs_++)).string();
    EXPECT_EQ(run_sweep(e, SweepOptions{.mode = mode, .out_dir = out}), 0);
    return read_results(out + "/results.jsonl");
  }
  std::filesystem::path dir_;
  int runs_ = 0;
};

TEST_F(Baselines, OnePerDistinctBaselineAndEveryCaseAgainstIt) {
  const RunResults run_results = run("");
  std::map<std::string, const CaseRecord*> baselines;
  for (const CaseRecord& r : run_results.cases) {
    if (r.is_baseline) baselines[r.id()] = &r;
  }
  // Two lengths, two masks (causal windows; block_local is not causal): four baselines, once each.
  ASSERT_EQ(baselines.size(), 4u);
  for (const CaseRecord& r : run_results.cases) {
    if (r.is_baseline) continue;
    ASSERT_TRUE(r.baseline) << r.id() << ": " << r.baseline_reason;
    const CaseRecord& full = *baselines.at(r.baseline->id);
    const bool causal = r.pattern == "sliding_window";
    EXPECT_EQ(full.key.spec,
              causal ? "dense:causal=true,align=top_left" : "dense:causal=false,align=top_left");
    EXPECT_EQ(full.q_len, r.q_len);
    EXPECT_DOUBLE_EQ(*r.speedup_vs_full, full.latency_ms->median / r.latency_ms->median);
  }
}

TEST_F(Baselines, NoneAndTooExpensiveAreSaidNotRun) {
  for (const CaseRecord& r : run("baseline: none\n").cases) {
    EXPECT_FALSE(r.is_baseline);
    EXPECT_FALSE(r.baseline);
    EXPECT_EQ(r.baseline_reason, "baseline: none in the config");
  }
  int skipped = 0;
  for (const CaseRecord& r : run("baseline_max_s: 0\n").cases) {
    if (r.is_baseline) {
      EXPECT_EQ(r.status, CaseStatus::kSkipped);
      EXPECT_NE(r.message.find("baseline_max_s"), std::string::npos) << r.message;
      ++skipped;
      continue;
    }
    EXPECT_FALSE(r.baseline);
    EXPECT_NE(r.baseline_reason.find("no baseline"), std::string::npos) << r.baseline_reason;
  }
  EXPECT_EQ(skipped, 4);
  // The run's summary says why its rows have no speedup.
  const std::string summary = render_run_summary(run("baseline_max_s: 0\n"));
  EXPECT_NE(summary.find("vs full '-' ("), std::string::npos) << summary;
  EXPECT_NE(summary.find("above baseline_max_s 0"), std::string::npos) << summary;
}

TEST_F(Baselines, CheckModeRunsNone) {
  for (const CaseRecord& r : run("", RunMode::kCheck).cases) {
    EXPECT_FALSE(r.is_baseline);
    EXPECT_FALSE(r.baseline);
  }
}

TEST(BaselineShards, EveryCaseOfABaselineGroupLandsInOneShard) {
  const Experiment e = load_experiment_text(kConfig, "baselines.yaml", {});
  std::vector<const Case*> all;
  for (const Case& c : e.cases) all.push_back(&c);
  std::map<std::string, int> shard_of_group;
  std::size_t total = 0;
  for (int k = 1; k <= 2; ++k) {
    for (const Case* c : shard_cases(all, Shard{k, 2})) {
      ++total;
      const auto [it, inserted] = shard_of_group.emplace(baseline_group(*c), k);
      EXPECT_EQ(it->second, k) << c->id();
    }
  }
  EXPECT_EQ(total, all.size());
  EXPECT_EQ(shard_of_group.size(), 2u);  // one group per length
}

}  // namespace
}  // namespace attnbench
