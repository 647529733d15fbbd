// The regression gate: the Mann-Whitney U test against brute-force enumeration and known values,
// and compare's matching of cases across an ignored axis.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <numeric>

#include "measure/build_id.hpp"
#include "measure/mann_whitney.hpp"
#include "measure/run_shift.hpp"
#include "report/compare.hpp"

namespace attnbench {
namespace {

double u_statistic(const std::vector<double>& a, const std::vector<double>& b) {
  double u = 0;
  for (double x : a) {
    for (double y : b) u += x > y ? 1.0 : x == y ? 0.5 : 0.0;
  }
  return u;
}

// The exact two-sided p-value by enumerating every way to split the pooled values.
double brute_force_p(const std::vector<double>& a, const std::vector<double>& b) {
  std::vector<double> pool = a;
  pool.insert(pool.end(), b.begin(), b.end());
  const double m = static_cast<double>(a.size()), n = static_cast<double>(b.size());
  const double u = u_statistic(a, b), low = std::min(u, m * n - u);
  double total = 0, extreme = 0;
  std::vector<double> left, right;
  std::function<void(std::size_t)> split = [&](std::size_t i) {
    if (i == pool.size()) {
      if (left.size() != a.size()) return;
      ++total;
      if (u_statistic(left, right) <= low) ++extreme;
      return;
    }
    left.push_back(pool[i]);
    split(i + 1);
    left.pop_back();
    right.push_back(pool[i]);
    split(i + 1);
    right.pop_back();
  };
  split(0);
  return std::min(1.0, 2 * extreme / total);
}

TEST(MannWhitney, ExactMatchesEnumeration) {
  const std::vector<std::pair<std::vector<double>, std::vector<double>>> samples = {
      {{1, 2, 3, 4, 5}, {6, 7, 8, 9, 10}},
      {{1, 3, 5, 7, 9}, {2, 4, 6, 8, 10}},
      {{1.1, 0.9, 1.3, 1.05, 0.97, 1.2}, {1.4, 1.25, 1.6, 1.02, 1.5, 1.35, 1.45}},
  };
  for (const auto& [a, b] : samples) {
    const MannWhitney result = mann_whitney(a, b);
    EXPECT_TRUE(result.exact);
    EXPECT_DOUBLE_EQ(result.u, u_statistic(a, b));
    EXPECT_NEAR(result.p_value, brute_force_p(a, b), 1e-12);
  }
  EXPECT_NEAR(mann_whitney({1, 2, 3, 4, 5}, {6, 7, 8, 9, 10}).p_value, 2.0 / 252, 1e-12);
  EXPECT_NEAR(mann_whitney({1, 3, 5, 7, 9}, {2, 4, 6, 8, 10}).p_value, 0.6904761904761905, 1e-12);
}

// With ties: the normal approximation with tie and continuity corrections (the value computed
// independently from the textbook formula).
TEST(MannWhitney, TiesUseTheCorrectedNormalApproximation) {
  std::vector<double> a, b;
  for (int twice = 0; twice < 2; ++twice) {
    for (double x : {1, 2, 2, 3, 3, 3, 4, 4, 4, 4, 5}) a.push_back(x);
    for (double x : {3, 4, 4, 5, 5, 5, 6, 6, 6, 6, 7}) b.push_back(x);
  }
  const MannWhitney result = mann_whitney(a, b);
  EXPECT_FALSE(result.exact);
  EXPECT_DOUBLE_EQ(result.u, 56);
  EXPECT_NEAR(result.p_value / 8.950418882906862e-06, 1.0, 1e-9);
  EXPECT_DOUBLE_EQ(mann_whitney({2, 2, 2, 2, 2}, {2, 2, 2, 2, 2}).p_value, 1.0);
}

CaseRecord timed(Index threads, std::vector<double> samples) {
  CaseRecord r;
  r.key = CaseKey{.spec = "dense:causal=false,align=top_left",
                  .seq_len = 256,
                  .seq_kv_len = 256,
                  .threads = threads};
  r.status = CaseStatus::kExecuted;
  LatencyMs l;
  l.samples = samples;
  const auto count = static_cast<double>(samples.size());
  const double mean = std::accumulate(samples.begin(), samples.end(), 0.0) / count;
  double squares = 0;
  for (const double x : samples) squares += (x - mean) * (x - mean);
  l.cv = std::sqrt(squares / (count - 1)) / mean;
  std::sort(samples.begin(), samples.end());
  l.median = samples[samples.size() / 2];
  r.latency_ms = l;
  r.noise = NoiseFigures{};
  return r;
}

TEST(Compare, IgnoredAxesMatchCasesAcrossThem) {
  RunResults two_threads, one_thread;
  two_threads.cases = {timed(2, {10, 11, 10.5, 10.2, 10.8, 10.1})};
  one_thread.cases = {timed(1, {19, 20, 21, 19.5, 20.5, 20.2})};
  EXPECT_EQ(compare_runs(two_threads, one_thread, {}).shared, 0);
  const Comparison c = compare_runs(two_threads, one_thread, {.ignore = {"threads"}});
  ASSERT_EQ(c.shared, 1);
  ASSERT_EQ(c.slower.size(), 1u);
  EXPECT_EQ(c.cases.front().verdict, "slower");
  EXPECT_LT(*c.cases.front().p_value, 0.05);
  EXPECT_THROW(compare_runs(two_threads, one_thread, {.ignore = {"thread"}}),
               std::invalid_argument);
  RunResults both = two_threads;
  both.cases.push_back(timed(1, {1, 2, 3, 4, 5}));
  EXPECT_THROW(compare_runs(both, one_thread, {.ignore = {"threads"}}), std::invalid_argument);
}

// Twenty samples alternating +-5 % around a centre: cv about 0.05.
std::vector<double> spread_around(double centre) {
  std::vector<double> samples;
  for (int i = 0; i < 20; ++i) samples.push_back(centre * (i % 2 ? 1.05 : 0.95) + 0.001 * i);
  return samples;
}

TEST(Compare, AShiftWithinTheRunsSpreadIsNotAVerdict) {
  RunResults a, b, c;
  a.cases = {timed(2, spread_around(10))};
  b.cases = {timed(2, spread_around(10.8))};  // 8 %: significant, within cv A + cv B
  c.cases = {timed(2, spread_around(12))};    // 20 %: beyond it
  const Comparison near = compare_runs(a, b, {});
  ASSERT_EQ(near.cases.size(), 1u);
  EXPECT_LT(*near.cases.front().p_value, 0.05);
  EXPECT_NEAR(*near.cases.front().margin, 0.1, 0.01);
  EXPECT_EQ(near.cases.front().verdict, "same");
  const Comparison far = compare_runs(a, c, {});
  EXPECT_EQ(far.cases.front().verdict, "slower");
  EXPECT_EQ(far.slower.size(), 1u);
  // The threshold is the floor of the margin.
  EXPECT_EQ(compare_runs(a, c, {.threshold = 0.3}).cases.front().verdict, "same");
}

TEST(Compare, AShiftOfTheWholeRunIsAWarning) {
  RunResults a, b;
  for (const Index threads : {1, 2, 3}) {
    a.cases.push_back(timed(threads, spread_around(10)));
    b.cases.push_back(timed(threads, spread_around(threads == 1 ? 10 : 12)));
  }
  auto has_shift_warning = [](const Comparison& c) {
    return std::any_of(c.warnings.begin(), c.warnings.end(), [](const std::string& w) {
      return w.find("shift of the whole run") != std::string::npos;
    });
  };
  EXPECT_TRUE(has_shift_warning(compare_runs(a, b, {})));
  EXPECT_FALSE(has_shift_warning(compare_runs(a, a, {})));
}

TEST(Compare, AFailureWhereAPassedIsARegression) {
  RunResults a, b;
  a.cases = {timed(2, {1, 1, 1, 1, 1})};
  b.cases = a.cases;
  b.cases.front().status = CaseStatus::kFailed;
  EXPECT_EQ(compare_runs(a, b, {}).regressed.size(), 1u);
  EXPECT_TRUE(compare_runs(b, a, {}).regressed.empty());
}

TEST(RunShift, QuantileSignTestAndSpread) {
  EXPECT_NEAR(normal_upper_quantile(0.025), 1.959964, 1e-5);
  EXPECT_NEAR(normal_upper_quantile(0.5), 0.0, 1e-9);
  EXPECT_NEAR(normal_upper_quantile(0.975), -1.959964, 1e-5);
  // Ten cases all slower: the sign test's two-sided p is 2 / 2^10.
  const RunShift up = run_shift(std::vector<double>(10, 1.2), 0.05);
  EXPECT_NEAR(up.sign_p, 2.0 / 1024, 1e-12);
  EXPECT_NEAR(up.median_ratio, 1.2, 1e-12);
  EXPECT_NEAR(*up.spread, 0.0, 1e-12);
  // log ratios -0.1, 0, +0.1 (three each): median 0, deviations 0.1 (six) and 0 (three).
  std::vector<double> ratios;
  for (int i = 0; i < 9; ++i) ratios.push_back(std::exp(0.1 * (i % 3 - 1)));
  const RunShift scattered = run_shift(ratios, 0.05);
  EXPECT_NEAR(scattered.median_ratio, 1.0, 1e-12);
  EXPECT_NEAR(*scattered.spread, 0.14826, 1e-9);
  EXPECT_NEAR(*scattered.case_margin, std::exp(normal_upper_quantile(0.05 / 18) * 0.14826) - 1,
              1e-9);
  EXPECT_NEAR(scattered.sign_p, 1.0, 1e-12);
  EXPECT_FALSE(run_shift({1.1, 0.9, 1.0}, 0.05).spread);  // too few cases
}

// Sixteen cases whose medians move by `scatter` either way between the runs, as cases of one binary
// do between two processes; the last one moves by `last` instead.
std::pair<RunResults, RunResults> scattered_runs(double scatter, double last) {
  RunResults a, b;
  for (Index threads = 1; threads <= 16; ++threads) {
    const double move = threads == 16 ? last : (threads % 2 ? 1 + scatter : 1 - scatter);
    a.cases.push_back(timed(threads, spread_around(10)));
    b.cases.push_back(timed(threads, spread_around(10 * move)));
  }
  return {a, b};
}

TEST(Compare, ACaseMustLeaveTheSpreadBetweenRuns) {
  // Cases scattered by +-15 % between the runs: a 30 % case is within what the runs show.
  const auto [a, b] = scattered_runs(0.15, 1.3);
  const Comparison wide = compare_runs(a, b, {});
  ASSERT_TRUE(wide.shift.case_margin);
  EXPECT_GT(*wide.shift.case_margin, 0.3);
  EXPECT_TRUE(wide.slower.empty());
  EXPECT_FALSE(wide.run_slower);
  // Scattered by +-1 %: the same 30 % case is slower.
  const auto [c, d] = scattered_runs(0.01, 1.3);
  const Comparison narrow = compare_runs(c, d, {});
  ASSERT_EQ(narrow.slower.size(), 1u);
  const auto moved = std::find_if(narrow.cases.begin(), narrow.cases.end(),
                                  [](const CaseComparison& k) { return k.a->key.threads == 16; });
  EXPECT_EQ(moved->verdict, "slower");
  EXPECT_FALSE(narrow.run_slower);
}

TEST(Compare, AWholeRunSlowerFailsTheGate) {
  RunResults a, b;
  for (int threads = 1; threads <= 12; ++threads) {
    a.cases.push_back(timed(threads, spread_around(10)));
    b.cases.push_back(timed(threads, spread_around(10 * (1.3 + 0.01 * threads))));
  }
  const Comparison c = compare_runs(a, b, {});
  EXPECT_TRUE(c.run_slower);
  EXPECT_NEAR(c.shift.median_ratio, 1.365, 0.01);
  EXPECT_EQ(c.json()["whole_run"]["slower"], true);
  EXPECT_FALSE(compare_runs(b, a, {}).run_slower);  // faster as a whole is no failure
}

// The ID read from memory is the one binutils reads from the file.
TEST(BuildId, IsTheExecutablesGnuBuildId) {
  const std::string id = executable_build_id();
  ASSERT_FALSE(id.empty());
  const std::string self = std::filesystem::read_symlink("/proc/self/exe").string();
  std::FILE* pipe = ::popen(("readelf -n '" + self + "' 2>/dev/null").c_str(), "r");
  ASSERT_NE(pipe, nullptr);
  std::string notes;
  for (char buffer[512]; std::fgets(buffer, sizeof buffer, pipe) != nullptr;) notes += buffer;
  ::pclose(pipe);
  if (notes.empty()) GTEST_SKIP() << "readelf is not installed";
  EXPECT_NE(notes.find("Build ID: " + id), std::string::npos) << notes;
}

TEST(Compare, OneExecutableJudgesCasesNetOfTheMachinesShift) {
  RunResults a, b;
  for (int threads = 1; threads <= 12; ++threads) {
    const double own = threads == 12 ? 1.5 : 1 + 0.01 * (threads % 3);  // the last case regressed
    a.cases.push_back(timed(threads, spread_around(10)));
    b.cases.push_back(timed(threads, spread_around(10 * 1.3 * own)));
  }
  a.context.build_id = b.context.build_id = "90eceae7";
  a.context.hostname = b.context.hostname = "node";
  const Comparison same = compare_runs(a, b, {});
  EXPECT_TRUE(same.same_binary);
  EXPECT_FALSE(same.run_slower);      // the machine moved: a warning, not a failure
  ASSERT_EQ(same.slower.size(), 1u);  // but the case that moved beyond the run still fails
  for (const CaseComparison& c : same.cases) {
    ASSERT_TRUE(c.net_ratio);
    EXPECT_NEAR(*c.net_ratio, *c.ratio / same.shift.median_ratio, 1e-12);
    EXPECT_EQ(c.verdict, c.a->key.threads == 12 ? "slower" : "same") << c.id;
  }
  // An ignored axis: the matched cases may differ in it, and the whole run with them.
  const Comparison across = compare_runs(a, b, CompareOptions{.ignore = {"dtype"}});
  EXPECT_FALSE(across.same_binary);
  EXPECT_TRUE(across.run_slower);
  b.context.build_id = "5d0c11aa";  // another executable: the shift may be the code's
  const Comparison other = compare_runs(a, b, {});
  EXPECT_FALSE(other.same_binary);
  EXPECT_TRUE(other.run_slower);
  EXPECT_FALSE(other.cases.front().net_ratio);
}

}  // namespace
}  // namespace attnbench
