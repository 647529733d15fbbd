// Sweeps that bend (a point a pattern cannot take is a skipped case, not a rejected config) and
// --set addressing: a parameter moved into `sweep:`, an entry named by its `label:`.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include "config/experiment.hpp"
#include "config_loading.hpp"
#include "runner/case_list.hpp"
#include "runner/case_runner.hpp"

namespace attnbench {
namespace {

// A window of 96 keys per side fits 128 tokens, not 64: that one point is skipped.
const char* kSweep = R"(name: t
shape: {heads: 1, head_dim: 16}
seq_len: [64, 128]
patterns:
  - name: sliding_window
    sweep: {radius: [16, 96]}
)";

TEST(SweepPoints, APointThePatternCannotTakeIsSkippedWithItsReason) {
  const Experiment e = load(kSweep);
  ASSERT_EQ(e.cases.size(), 4u);
  std::vector<const Case*> skipped;
  for (const Case& c : e.cases) {
    if (!c.skip_reason.empty()) skipped.push_back(&c);
  }
  ASSERT_EQ(skipped.size(), 1u);
  EXPECT_EQ(skipped[0]->key.seq_len, 64);
  EXPECT_EQ(skipped[0]->pattern.params.at("radius"), ParamValue(Index{96}));
  EXPECT_NE(skipped[0]->skip_reason.find("patterns.0.sweep.radius"), std::string::npos)
      << skipped[0]->skip_reason;
  EXPECT_NE(skipped[0]->skip_reason.find("longer than the sequence (64)"), std::string::npos)
      << skipped[0]->skip_reason;
  // The runner records it skipped, with the reason, and builds nothing.
  const CaseRecord r = run_case(*skipped[0], CaseOptions{});
  EXPECT_EQ(r.status, CaseStatus::kSkipped);
  EXPECT_EQ(r.message, skipped[0]->skip_reason);
  EXPECT_EQ(r.id(), skipped[0]->id());
  EXPECT_EQ(r.mask.allowed_pairs, 0);
}

TEST(SweepPoints, ASinglePointStaysAnErrorAtItsKey) {
  const InputError e = error_of(R"(name: t
seq_len: 64
patterns:
  - name: sliding_window
    params: {radius: 96}
)");
  EXPECT_EQ(e.key(), "patterns.0.params.radius");
  EXPECT_EQ(e.where().line, 5);
  EXPECT_NE(std::string(e.what()).find("longer than the sequence"), std::string::npos);
}

TEST(SweepPoints, ASweepWithNoPointThatFitsIsAnError) {
  const InputError e = error_of(kSweep, {{"patterns.0.sweep.radius", "[130, 200]"}});
  EXPECT_EQ(e.key(), "patterns.0.sweep.radius");
  EXPECT_NE(std::string(e.what()).find("none of the entry's 4 points fits"), std::string::npos)
      << e.what();
}

const char* kLabelled = R"(name: t
seq_len: 128
shape: {heads: 1, head_dim: 16}
patterns:
  - name: sliding_window
    label: local v1.2
    params: {radius: 8, causal: true}
  - name: dense
    label: full
)";

TEST(SweepPoints, SetMovesAParameterFromParamsIntoSweep) {
  const Experiment e = load(kLabelled, {{"patterns.0.sweep.radius", "[4, 16]"}});
  ASSERT_EQ(e.cases.size(), 3u);
  EXPECT_EQ(e.cases[0].pattern.params.at("radius"), ParamValue(Index{4}));
  EXPECT_EQ(e.cases[1].pattern.params.at("radius"), ParamValue(Index{16}));
  EXPECT_EQ(e.cases[0].pattern.params.at("causal"), ParamValue(true));  // the rest stays
  // ... and back: a fixed value replaces the sweep.
  const Experiment back = load(kSweep, {{"patterns.0.params.radius", "8"}});
  ASSERT_EQ(back.cases.size(), 2u);
  EXPECT_EQ(back.cases[0].pattern.params.at("radius"), ParamValue(Index{8}));
}

TEST(SweepPoints, SetNamesAnEntryByItsLabel) {
  const Experiment e = load(
      kLabelled, {{"patterns.local v1.2.params.radius", "32"}, {"patterns.full.seq_len", "256"}});
  ASSERT_EQ(e.cases.size(), 2u);
  EXPECT_EQ(e.cases[0].pattern.params.at("radius"), ParamValue(Index{32}));
  EXPECT_EQ(e.cases[1].key.seq_len, 256);
  // An error in a value set through a label names the override as typed.
  const InputError bad = error_of(kLabelled, {{"patterns.full.seq_len", "-1"}});
  EXPECT_EQ(bad.key(), "patterns.1.seq_len");
  EXPECT_EQ(bad.where().source, "--set patterns.full.seq_len=-1");
}

TEST(SweepPoints, AnUnknownLabelListsTheLabels) {
  const InputError e = error_of(kLabelled, {{"patterns.ful.seq_len", "256"}});
  EXPECT_EQ(e.key(), "patterns");
  EXPECT_NE(std::string(e.what()).find("labels: 'local v1.2', 'full'"), std::string::npos)
      << e.what();
  const InputError index = error_of(kLabelled, {{"patterns.5.seq_len", "256"}});
  EXPECT_NE(std::string(index.what()).find("no list element 5 here (0 to 1)"), std::string::npos)
      << index.what();
}

}  // namespace
}  // namespace attnbench

namespace attnbench {
namespace {

// --mode list's memory figure bounds what the guard counts when the case runs, and says skip
// where the guard will.
TEST(CaseList, TheForecastBoundsTheGuardsFigure) {
  const Experiment e = load_experiment_text(kSweep, "t.yaml", {});
  for (const Case& c : e.cases) {
    if (!c.skip_reason.empty()) {
      EXPECT_EQ(forecast_case(c, 1 << 30).guard, "point");
      continue;
    }
    const CaseForecast f = forecast_case(c, std::int64_t{1} << 30);
    ASSERT_TRUE(f.bytes.has_value());
    EXPECT_FALSE(f.at_least);
    EXPECT_EQ(f.guard, "fits");
    const CaseRecord r = run_case(c, CaseOptions{.check = true, .perf = false});
    ASSERT_EQ(r.status, CaseStatus::kPassed) << r.message;
    EXPECT_GE(*f.bytes, r.memory.analytic_bytes) << c.id();
    EXPECT_LE(*f.bytes, r.memory.analytic_bytes * 11 / 10) << c.id();  // and close to it
    const std::int64_t limit = r.memory.analytic_bytes - 1;
    EXPECT_EQ(forecast_case(c, limit).guard, "skip");
    const CaseRecord guarded =
        run_case(c, CaseOptions{.check = true, .perf = false, .memory_limit = limit});
    EXPECT_EQ(guarded.status, CaseStatus::kSkipped);
  }
  // A content-dependent mask's layout is unknown before it decides: a lower bound, undecided.
  const Experiment lsh = load_experiment_text(
      "name: t\nseq_len: 128\nshape: {heads: 1, head_dim: 16}\npatterns:\n  - {name: reformer, "
      "params: {chunk: 32}}\n",
      "t.yaml", {});
  const CaseForecast f = forecast_case(lsh.cases.front(), std::int64_t{1} << 30);
  EXPECT_TRUE(f.at_least);
  EXPECT_EQ(f.guard, "?");
  EXPECT_GT(f.cost, 0);
}

}  // namespace
}  // namespace attnbench
