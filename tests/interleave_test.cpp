// Timed rounds across cells (issue "Honest headline numbers", noise): small consecutive cells
// share one interleaved window, each executor's samples spread evenly over its rounds.
#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <numeric>
#include <set>
#include <string>

#include "config/experiment.hpp"
#include "runner/sweep.hpp"
#include "runner/timing.hpp"

namespace attnbench {
namespace {

TEST(Interleave, AnExecutorRunsInExactlyItsPlannedRoundsEvenlySpreadFromTheFirst) {
  for (int total : {1, 2, 7, 10, 50}) {
    for (int planned = 1; planned <= total; ++planned) {
      std::vector<int> rounds;
      for (int r = 0; r < total; ++r) {
        if (runs_in_round(planned, total, r)) rounds.push_back(r);
      }
      ASSERT_EQ(static_cast<int>(rounds.size()), planned) << planned << " of " << total;
      EXPECT_EQ(rounds.front(), 0) << planned << " of " << total;
      const int widest = (total + planned - 1) / planned;
      for (std::size_t i = 1; i < rounds.size(); ++i)
        EXPECT_LE(rounds[i] - rounds[i - 1], widest) << planned << " of " << total;
      EXPECT_GE(rounds.back(), total - widest) << planned << " of " << total;
    }
  }
}

TEST(Interleave, PlannedRoundsCoverRepetitionsAndMinTimeWithinTheCap) {
  const Measurement m{.repetitions = 5, .min_time_ms = 200, .max_repetitions = 50};
  EXPECT_EQ(planned_rounds(100, m), 5);   // 5 samples already exceed 200 ms
  EXPECT_EQ(planned_rounds(10, m), 20);   // 20 x 10 ms
  EXPECT_EQ(planned_rounds(0.1, m), 50);  // capped
  EXPECT_EQ(planned_rounds(0, m), 5);     // no warm-up timed: the repetitions, then more as needed
}

RunResults run_config(const std::string& extra, const std::string& name) {
  const auto dir = std::filesystem::temp_directory_path() /
                   ("attnbench_interleave_" + name + "_" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  const Experiment e = load_experiment_text(R"(name: interleave
shape: {heads: 2, head_dim: 16}
seq_len: [64, 128, 256]
executor: [dense, sparse]
threads: 1
repetitions: 3
min_time_ms: 3
baseline: none
patterns:
  - {name: sliding_window, params: {radius: 8, causal: true}}
)" + extra,
                                            "interleave.yaml", {});
  EXPECT_EQ(run_sweep(e, SweepOptions{.out_dir = dir.string()}), 0);
  RunResults run = read_results((dir / "results.jsonl").string());
  std::filesystem::remove_all(dir);
  return run;
}

void expect_enough_samples(const CaseRecord& r) {
  ASSERT_TRUE(r.latency_ms) << r.id();
  const std::vector<double>& s = r.latency_ms->samples;
  EXPECT_GE(s.size(), 3u) << r.id();
  EXPECT_TRUE(std::accumulate(s.begin(), s.end(), 0.0) >= 3 || s.size() == 50u) << r.id();
}

// The distinct timed windows of the run's six records (each with enough samples).
std::set<double> timed_windows(const RunResults& run) {
  EXPECT_EQ(run.cases.size(), 6u);
  std::set<double> windows;
  for (const CaseRecord& r : run.cases) {
    expect_enough_samples(r);
    EXPECT_TRUE(r.wall_ms) << r.id();
    if (r.wall_ms) windows.insert(r.wall_ms->timed);
  }
  return windows;
}

TEST(Interleave, SmallCellsShareOneTimedWindow) {
  // All three cells, both executors, one window.
  EXPECT_EQ(timed_windows(run_config("", "shared")).size(), 1u);
}

TEST(Interleave, OneCellAWindowWithInterleaveCellsOne) {
  // The two executors of a cell share theirs.
  EXPECT_EQ(timed_windows(run_config("interleave_cells: 1\n", "alone")).size(), 3u);
}

TEST(Interleave, AGroupStopsAtTheConfiguredCount) {
  // Cells 1 and 2 together, cell 3 alone.
  EXPECT_EQ(timed_windows(run_config("interleave_cells: 2\n", "two")).size(), 2u);
}

}  // namespace
}  // namespace attnbench
