// Sharding: the shards of a config partition its cases (balanced by predicted cost), merging
// them gives the same set of cases as one unsharded run, and merge refuses a shard given twice
// or missing. Inside a Slurm array the task's variables pick the shard.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>

#include "config/experiment.hpp"
#include "results/record.hpp"
#include "runner/merge.hpp"
#include "runner/shard.hpp"
#include "runner/sweep.hpp"

namespace attnbench {
namespace {

const char* kConfig = R"(name: sharded
shape: {heads: 2, head_dim: 16}
seq_len: [64, 128, 256]
executor: [dense, sparse]
threads: 1
patterns:
  - {name: dense, sweep: {causal: [false, true]}}
  - {name: sliding_window, params: {radius: 8}}
)";

class Sharding : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ =
        std::filesystem::temp_directory_path() / ("attnbench_shards_" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string run(const std::string& shard) {
    const std::string out = (dir_ / ("shard" + shard.substr(0, 1))).string();
    EXPECT_EQ(run_sweep(experiment_,
                        SweepOptions{.mode = RunMode::kCheck, .out_dir = out, .shard = shard}),
              0);
    return out;
  }
  std::filesystem::path dir_;
  Experiment experiment_ = load_experiment_text(kConfig, "sharded.yaml", {});
};

TEST_F(Sharding, ThreeShardsMergeIntoTheWholeRun) {
  const std::vector<std::string> dirs = {run("1/3"), run("2/3"), run("3/3")};
  const std::string merged = (dir_ / "merged").string();
  EXPECT_EQ(merge_runs(dirs, merged), 0);
  std::set<std::string> expected, got;
  for (const Case& c : experiment_.cases) expected.insert(c.id());
  const RunResults results = read_results(merged + "/results.jsonl");
  for (const CaseRecord& r : results.cases)
    EXPECT_TRUE(got.insert(r.id()).second) << "twice: " << r.id();
  EXPECT_EQ(got, expected);
  EXPECT_TRUE(std::filesystem::exists(merged + "/comparison.md"));
}

TEST_F(Sharding, SharesAreDisjointAndBalanced) {
  std::vector<const Case*> all;
  for (const Case& c : experiment_.cases) all.push_back(&c);
  std::size_t total = 0;
  for (int k = 1; k <= 3; ++k) {
    const auto share = shard_cases(all, Shard{k, 3});
    EXPECT_GE(share.size(), 5u);  // 18 cases of three lengths: no shard gets only the long ones
    total += share.size();
  }
  EXPECT_EQ(total, all.size());
}

TEST_F(Sharding, MergeRefusesDuplicatesAndGaps) {
  const std::string one = run("1/3"), two = run("2/3");
  EXPECT_THROW(merge_runs({one, two}, (dir_ / "gap").string()), InputError);
  EXPECT_THROW(merge_runs({one, one, two}, (dir_ / "twice").string()), InputError);
}

// A shard cut short (a Slurm task past its time limit) and resumed in a job of its own, whose
// array variables say 1/1, finishes its own share, not the whole experiment.
TEST_F(Sharding, ResumeFinishesTheFoldersOwnShare) {
  const std::string two = run("2/3");
  const std::string path = two + "/results.jsonl";
  std::vector<std::string> lines;
  {
    std::ifstream in(path);
    for (std::string line; std::getline(in, line);) lines.push_back(line);
  }
  ASSERT_GT(lines.size(), 3u);
  {
    std::ofstream out(path, std::ios::trunc);
    out << lines[0] << "\n" << lines[1] << "\n";  // the context and one case
  }
  ::setenv("SLURM_ARRAY_TASK_ID", "1", 1);
  ::setenv("SLURM_ARRAY_TASK_COUNT", "1", 1);
  EXPECT_EQ(run_sweep(experiment_, SweepOptions{.mode = RunMode::kCheck, .resume = two}), 0);
  ::unsetenv("SLURM_ARRAY_TASK_ID");
  ::unsetenv("SLURM_ARRAY_TASK_COUNT");

  std::vector<const Case*> all;
  for (const Case& c : experiment_.cases) all.push_back(&c);
  std::set<std::string> expected, got;
  for (const Case* c : shard_cases(all, Shard{2, 3})) expected.insert(c->id());
  for (const CaseRecord& r : read_results(path).cases) got.insert(r.id());
  EXPECT_EQ(got, expected);
  EXPECT_THROW(
      run_sweep(experiment_, SweepOptions{.mode = RunMode::kCheck, .resume = two, .shard = "1/3"}),
      InputError);
}

TEST(SlurmShard, ComesFromTheArrayVariables) {
  ::setenv("SLURM_ARRAY_TASK_ID", "5", 1);
  ::setenv("SLURM_ARRAY_TASK_COUNT", "3", 1);
  ::setenv("SLURM_ARRAY_TASK_MIN", "4", 1);
  const std::optional<Shard> shard = shard_from_slurm();
  ::unsetenv("SLURM_ARRAY_TASK_ID");
  ::unsetenv("SLURM_ARRAY_TASK_COUNT");
  ::unsetenv("SLURM_ARRAY_TASK_MIN");
  ASSERT_TRUE(shard.has_value());
  EXPECT_EQ(shard->index, 2);
  EXPECT_EQ(shard->count, 3);
  EXPECT_FALSE(shard_from_slurm().has_value());
  EXPECT_THROW(parse_shard("4/3", "--shard"), InputError);
}

TEST(SlurmShard, ArraysWithAStepNumberTheirTasksInOrder) {  // --array=0-20:10
  ::setenv("SLURM_ARRAY_TASK_COUNT", "3", 1);
  ::setenv("SLURM_ARRAY_TASK_MIN", "0", 1);
  ::setenv("SLURM_ARRAY_TASK_STEP", "10", 1);
  std::vector<int> indices;
  for (const char* task : {"0", "10", "20"}) {
    ::setenv("SLURM_ARRAY_TASK_ID", task, 1);
    indices.push_back(shard_from_slurm().value().index);
  }
  for (const char* name : {"SLURM_ARRAY_TASK_ID", "SLURM_ARRAY_TASK_COUNT", "SLURM_ARRAY_TASK_MIN",
                           "SLURM_ARRAY_TASK_STEP"}) {
    ::unsetenv(name);
  }
  EXPECT_EQ(indices, (std::vector<int>{1, 2, 3}));
}

}  // namespace
}  // namespace attnbench
