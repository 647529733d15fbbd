// --case and --filter (core/case_selection.hpp): several ids, a regex searched in ids and labels,
// both together, and the errors a user sees (exit 2); the default thread count.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <thread>

#include "core/case_selection.hpp"
#include "core/cores.hpp"
#include "core/errors.hpp"

namespace attnbench {
namespace {

CaseKey window(Index radius, ExecutorKind executor = ExecutorKind::kSparse) {
  return CaseKey{.spec = fmt::format("sliding_window:radius={},causal=true", radius),
                 .seq_len = 1024,
                 .seq_kv_len = 1024,
                 .executor = executor,
                 .threads = 2};
}

TEST(CaseSelection, EmptySelectsEverything) {
  const CaseSelection all(SelectionArgs{});
  EXPECT_TRUE(all.selects_all());
  EXPECT_TRUE(all.selects(window(64), ""));
  EXPECT_EQ(all.describe(), "");
}

TEST(CaseSelection, RepeatedCaseSelectsEachId) {
  const CaseSelection s(SelectionArgs{.case_ids = {window(64).id(), window(128).id()}});
  EXPECT_TRUE(s.selects(window(64), ""));
  EXPECT_TRUE(s.selects(window(128), ""));
  EXPECT_FALSE(s.selects(window(256), ""));
  EXPECT_FALSE(s.selects(window(64, ExecutorKind::kDense), ""));
}

TEST(CaseSelection, FilterSearchesIdAndLabel) {
  const CaseSelection by_id(SelectionArgs{.filter = "radius=1[0-9]+,"});
  EXPECT_TRUE(by_id.selects(window(128), ""));
  EXPECT_FALSE(by_id.selects(window(64), "radius=128 in the label only"));  // the label too
  const CaseSelection by_label(SelectionArgs{.filter = "^local w"});
  EXPECT_TRUE(by_label.selects(window(64), "local window radius=64"));
  EXPECT_FALSE(by_label.selects(window(64), "a local window"));
  EXPECT_FALSE(by_label.selects(window(64), ""));
}

TEST(CaseSelection, CaseAndFilterMustBothHold) {
  const CaseSelection s(SelectionArgs{.case_ids = {window(64).id()}, .filter = "dense"});
  EXPECT_FALSE(s.selects(window(64), "window"));
  EXPECT_TRUE(s.selects(window(64), "dense-ish"));
  EXPECT_EQ(s.describe(), "--case '" + window(64).id() + "' --filter 'dense'");
}

TEST(CaseSelection, BadInputIsAnInputErrorNamingTheOption) {
  try {
    CaseSelection(SelectionArgs{.filter = "radius=(64"});
    FAIL() << "a bad regex was accepted";
  } catch (const InputError& e) {
    EXPECT_EQ(e.where().source, "--filter");
    EXPECT_NE(std::string(e.what()).find("not a regular expression (ECMAScript)"),
              std::string::npos)
        << e.what();
  }
  EXPECT_THROW(CaseSelection(SelectionArgs{.case_ids = {"no/such/id"}}), InputError);
}

TEST(UsableCores, AtLeastOneAndAtMostTheMachine) {
  const Index cores = usable_cores();
  EXPECT_GE(cores, 1);
  EXPECT_LE(cores, std::max<Index>(std::thread::hardware_concurrency(), 1));
}

}  // namespace
}  // namespace attnbench
