// Worked examples and closed forms of the comparison patterns (patterns.md, Appendix C).
#include <gtest/gtest.h>

#include "pattern_cases.hpp"

namespace attnbench::testing {
namespace {

using Keys = std::vector<Index>;

TEST(SlidingWindow, BandAndClosedForm) {
  const auto causal = make("sliding_window", {{"radius", Index{3}}, {"causal", true}}, 16);
  EXPECT_EQ(keys_of(*causal, 0, 5), (Keys{2, 3, 4, 5}));  // SPADE's example, r = 3
  EXPECT_EQ(keys_of(*causal, 0, 1), (Keys{0, 1}));
  EXPECT_EQ(count_pairs(*causal, 0), 58);
  const auto both = make("sliding_window", {{"radius", Index{3}}}, 16);
  EXPECT_EQ(keys_of(*both, 0, 5), (Keys{2, 3, 4, 5, 6, 7, 8}));
  EXPECT_EQ(count_pairs(*both, 0), 100);
  for (Index n : {100, 1000, 2049}) {
    for (Index left : {0, 1, 17}) {
      for (Index right : {0, 5}) {
        const auto w = make("sliding_window", {{"left", left}, {"right", right}}, n);
        EXPECT_EQ(*w->closed_form_pairs(0), count_pairs(*w, 0)) << n << " " << left << " " << right;
      }
    }
  }
}

TEST(SlidingWindow, BottomRightShiftsTheBand) {
  const auto w =
      make("sliding_window",
           {{"radius", Index{2}}, {"causal", true}, {"align", std::string("bottom_right")}}, 4, 10);
  EXPECT_EQ(keys_of(*w, 0, 0), (Keys{4, 5, 6}));  // query 0 sits at position 6
  EXPECT_EQ(keys_of(*w, 0, 3), (Keys{7, 8, 9}));
}

TEST(Dense, CausalCounts) {
  for (Index n : {1, 16, 333}) {
    const auto d = make("dense", {{"causal", true}}, n);
    EXPECT_EQ(count_pairs(*d, 0), n * (n + 1) / 2);
    EXPECT_EQ(*d->closed_form_pairs(0), n * (n + 1) / 2);
  }
}

TEST(BlockLocal, OwnBlockOnly) {
  const auto b = make("block_local", {{"block", Index{4}}}, 16);
  EXPECT_EQ(keys_of(*b, 0, 5), (Keys{4, 5, 6, 7}));
  const auto c = make("block_local", {{"block", Index{4}}, {"causal", true}}, 18);
  EXPECT_EQ(keys_of(*c, 0, 17), (Keys{16, 17}));
  EXPECT_EQ(*c->closed_form_pairs(0), count_pairs(*c, 0));
}

}  // namespace
}  // namespace attnbench::testing
