// The run's time account (issue "Closer to the machine's limit"): every timed record splits its
// wall time into setup, check and timed work; the end line sums this process's cells and its
// wall time; the canary between rounds is in every timed record's noise.
#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <numeric>
#include <set>
#include <string>

#include "config/experiment.hpp"
#include "runner/sweep.hpp"

namespace attnbench {
namespace {

const std::string kConfig = R"(name: account
shape: {heads: 2, head_dim: 16}
seq_len: [128, 256]
executor: [dense, sparse]
threads: 1
repetitions: 3
min_time_ms: 2
baseline: none
patterns:
  - {name: sliding_window, params: {radius: 8, causal: true}}
)";

Json last_line(const std::string& path) {
  std::ifstream file(path);
  std::string line, last;
  while (std::getline(file, line)) {
    if (!line.empty()) last = line;
  }
  return Json::parse(last);
}

TEST(TimeAccount, RecordsSplitTheirWallTimeAndTheEndLineSumsTheCells) {
  const auto dir = std::filesystem::temp_directory_path() /
                   ("attnbench_time_account_" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  const Experiment e = load_experiment_text(kConfig, "account.yaml", {});
  ASSERT_EQ(run_sweep(e, SweepOptions{.out_dir = dir.string()}), 0);
  const RunResults run = read_results((dir / "results.jsonl").string());
  ASSERT_EQ(run.cases.size(), 4u);
  std::set<double> windows;
  for (const CaseRecord& r : run.cases) {
    ASSERT_TRUE(r.wall_ms) << r.id();
    EXPECT_GT(r.wall_ms->timed, 0) << r.id();
    EXPECT_GT(r.wall_ms->check, 0) << r.id();
    EXPECT_GT(r.wall_ms->setup, 0) << r.id();
    // The timed window holds every repetition of the executor, and more (the other executor's).
    EXPECT_GE(r.wall_ms->timed, r.latency_ms->min * r.latency_ms->repetitions) << r.id();
    windows.insert(r.wall_ms->timed);  // cells timed together share one window
    ASSERT_TRUE(r.noise && r.noise->canary) << r.id();
    EXPECT_GT(*r.noise->canary, 0.5) << r.id();  // the canary's median over its fastest
  }
  const Json end = last_line((dir / "results.jsonl").string());
  ASSERT_EQ(end.at("type"), "end");
  const Json& t = end.at("time_s");
  const double timed_ms = std::accumulate(windows.begin(), windows.end(), 0.0);
  EXPECT_NEAR(t.at("timed").get<double>(), timed_ms / 1e3, 1e-9);
  const double cells =
      t.at("timed").get<double>() + t.at("check").get<double>() + t.at("setup").get<double>();
  EXPECT_GT(t.at("layout").get<double>(), 0);
  EXPECT_LE(t.at("layout").get<double>(), t.at("setup").get<double>());
  EXPECT_GE(t.at("wall").get<double>(), cells);
  std::filesystem::remove_all(dir);
}

// Decode cells keep the same account: the check, and a window of executors built, warm-ups and
// rounds.
TEST(TimeAccount, DecodeRecordsSplitTheirWallTimeToo) {
  const auto dir = std::filesystem::temp_directory_path() /
                   ("attnbench_time_account_decode_" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  const Experiment e = load_experiment_text(R"(name: account-decode
shape: {heads: 2, head_dim: 16}
pass: decode
seq_len: 1
executor: [dense, sparse]
threads: 1
repetitions: 3
min_time_ms: 1
baseline: none
patterns:
  - {name: dense, params: {causal: true}, kv_len: 64}
)",
                                            "decode.yaml", {});
  ASSERT_EQ(run_sweep(e, SweepOptions{.out_dir = dir.string()}), 0);
  const RunResults run = read_results((dir / "results.jsonl").string());
  ASSERT_EQ(run.cases.size(), 2u);
  for (const CaseRecord& r : run.cases) {
    ASSERT_TRUE(r.wall_ms) << r.id();
    EXPECT_GT(r.wall_ms->check, 0) << r.id();
    EXPECT_GE(r.wall_ms->timed, r.latency_ms->min * r.latency_ms->repetitions) << r.id();
  }
  EXPECT_NEAR(last_line((dir / "results.jsonl").string()).at("time_s").at("timed").get<double>(),
              run.cases.front().wall_ms->timed / 1e3, 1e-9);  // one window, both executors
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace attnbench
