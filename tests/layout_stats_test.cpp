// The layout statistics count each stored mask once and test the diagonal once per repeated
// (mask, diagonal) pair (layout_stats.cpp): the counts must still be those of a scan of the
// predicate, row by row, and the causal-pairs figure nonzero exactly for masks that keep to the
// diagonal, for every registered pattern's conformance instances at ragged and square tiles.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include "core/content_pattern.hpp"
#include "core/layout_stats.hpp"
#include "pattern_cases.hpp"

namespace attnbench::testing {
namespace {

// Keys allowed to each query row of one head, and whether every allowed key is <= its query.
struct Scan {
  std::vector<Index> keys;
  bool causal = true;
};

Scan scan(const Pattern& p, int head) {
  const Geometry& g = p.geometry();
  Scan result;
  for (Index r = 0; r < g.q_len; ++r) {
    Index keys = 0;
    for (Index k = 0; k < g.kv_len; ++k) {
      if (!p.allows(head, r + g.q_offset, k)) continue;
      ++keys;
      result.causal = result.causal && k <= r + g.q_offset;
    }
    result.keys.push_back(keys);
  }
  return result;
}

Index causal_formula(const Geometry& g) {
  Index pairs = 0;
  for (Index r = 0; r < g.q_len; ++r) pairs += std::clamp<Index>(r + g.q_offset + 1, 0, g.kv_len);
  return pairs * g.heads;
}

TEST(LayoutStats, RowCountsAndCausalPairsMatchAScanOfThePredicate) {
  int causal = 0, not_causal = 0;
  for (const PatternInfo* info : all_patterns()) {
    for (const PatternInstance& instance : instances_of(*info)) {
      const Pattern& p = *instance.pattern;
      if (dynamic_cast<const ContentPattern*>(&p) != nullptr) continue;  // needs inputs
      const Geometry& g = p.geometry();
      for (const Index block : {Index{5}, Index{16}}) {
        const BlockLayout layout = build_layout(p, {g.q_len, g.kv_len, block, block}, 2);
        const std::string where = fmt::format("{}, tiles {}", instance.label, block);
        bool all_causal = true;
        for (int h = 0; h < g.heads; ++h) {
          const Scan expected = scan(p, h);
          ASSERT_EQ(row_key_counts(layout, h), expected.keys) << where << ", head " << h;
          all_causal = all_causal && expected.causal;
        }
        EXPECT_EQ(causal_pairs(layout, g.heads, g.q_offset), all_causal ? causal_formula(g) : 0)
            << where;
        ++(all_causal ? causal : not_causal);
      }
    }
  }
  EXPECT_GT(causal, 10);  // both answers are exercised
  EXPECT_GT(not_causal, 10);
}

}  // namespace
}  // namespace attnbench::testing
