// build_layout's interval path (interval_layout.cpp) must give an IntervalPattern the same bytes
// as the generic builder (row offsets, tiles with their kinds and mask offsets, masks): on random
// interval patterns, monotone and not, at odd lengths that no tile divides, rectangular and
// bottom-right, one head or several (chunks then straddle heads), and on every registered
// interval pattern's conformance instances. Each is also expanded against its predicate.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <random>
#include <set>

#include "core/layout_build.hpp"
#include "pattern_cases.hpp"

namespace attnbench::testing {
namespace {

// A pattern read from a table of intervals per (head, query row).
class TableIntervals final : public IntervalPattern {
 public:
  using Rows = std::vector<std::vector<std::vector<KeyRange>>>;  // [head][row] -> intervals
  TableIntervals(const Geometry& g, Rows rows, bool is_monotone)
      : IntervalPattern(g), rows_(std::move(rows)), monotone_(is_monotone) {}

  void key_intervals(int head, Index q, Intervals& out) const override {
    const auto row = static_cast<std::size_t>(q - geometry().q_offset);
    for (const KeyRange& r : rows_[static_cast<std::size_t>(head)][row]) out.add(r.begin, r.end);
  }
  bool monotone() const override { return monotone_; }
  bool varies_by_head() const override { return geometry().heads > 1; }

 private:
  Rows rows_;
  bool monotone_;
};

Index uniform(std::mt19937_64& rng, Index lo, Index hi) {
  return std::uniform_int_distribution<Index>(lo, hi)(rng);
}

// One interval a row whose ends never move backwards; some rows empty, some past either end.
std::vector<std::vector<KeyRange>> monotone_rows(const Geometry& g, std::mt19937_64& rng) {
  Index begin = uniform(rng, -40, g.kv_len / 2), end = begin + uniform(rng, -5, 60);
  std::vector<std::vector<KeyRange>> rows;
  for (Index q = 0; q < g.q_len; ++q) {
    const bool jump = uniform(rng, 0, 19) == 0;
    begin += jump ? uniform(rng, 0, 30) : uniform(rng, 0, 2);
    end += jump ? uniform(rng, 0, 30) : uniform(rng, 0, 2);
    rows.push_back({{begin, end}});
  }
  return rows;
}

// One interval a row, periodic: row q + 16 sees row q's keys moved 16 on (a window does this
// with any period), so that rows of tiles 16, 32 or 48 high repeat the row before them, except
// near the ends of the keys; one in four patterns with narrow intervals, whose edges make many
// distinct masks on narrow tiles.
std::vector<std::vector<KeyRange>> periodic_rows(const Geometry& g, std::mt19937_64& rng) {
  constexpr Index kPeriod = 16;
  const Index width = uniform(rng, 0, 3) == 0 ? 2 : 40;
  std::vector<Index> begin(kPeriod), end(kPeriod);
  begin[0] = uniform(rng, -60, 20), end[0] = begin[0] + uniform(rng, 1, width);
  for (std::size_t i = 1; i < kPeriod; ++i) {
    begin[i] = begin[i - 1] + uniform(rng, 0, 1), end[i] = std::max(end[i - 1], begin[i] + 1);
  }
  std::vector<std::vector<KeyRange>> rows;
  for (Index q = 0; q < g.q_len; ++q) {
    const auto i = static_cast<std::size_t>(q % kPeriod);
    const Index shift = q / kPeriod * kPeriod;
    rows.push_back({{begin[i] + shift, end[i] + shift}});
  }
  return rows;
}

// Up to 4 intervals a row (sometimes 18, past Intervals' inline storage), overlapping,
// touching, empty or out of range.
std::vector<std::vector<KeyRange>> scattered_rows(const Geometry& g, std::mt19937_64& rng) {
  std::vector<std::vector<KeyRange>> rows(static_cast<std::size_t>(g.q_len));
  for (auto& row : rows) {
    const Index count = uniform(rng, 0, 19) == 0 ? 18 : uniform(rng, 0, 4);
    for (Index i = 0; i < count; ++i) {
      const Index begin = uniform(rng, -20, g.kv_len + 20);
      row.push_back({begin, begin + uniform(rng, -3, 50)});
    }
  }
  return rows;
}

void expect_same_layout(const BlockLayout& fast, const BlockLayout& generic,
                        const std::string& label) {
  ASSERT_EQ(fast.row_start, generic.row_start) << label;
  ASSERT_EQ(fast.tiles.size(), generic.tiles.size()) << label;
  for (std::size_t i = 0; i < fast.tiles.size(); ++i) {
    const LayoutTile &a = fast.tiles[i], &b = generic.tiles[i];
    ASSERT_EQ(a.kv_tile, b.kv_tile) << label << ", tile " << i;
    ASSERT_EQ(a.kind, b.kind) << label << ", tile " << i;
    ASSERT_EQ(a.mask_offset, b.mask_offset) << label << ", tile " << i;
  }
  ASSERT_EQ(fast.masks, generic.masks) << label;
}

void expect_matches_predicate(const Pattern& p, const BlockLayout& layout,
                              const std::string& label) {
  const Geometry& g = p.geometry();
  for (int h = 0; h < layout.layout_heads; ++h) {
    const std::vector<std::uint8_t> mask = expand_layout(layout, h);
    for (Index r = 0; r < g.q_len; ++r) {
      for (Index k = 0; k < g.kv_len; ++k) {
        ASSERT_EQ(mask[static_cast<std::size_t>(r * g.kv_len + k)] != 0,
                  p.allows(h, r + g.q_offset, k))
            << label << ", head " << h << ", row " << r << ", key " << k;
      }
    }
  }
}

// Both builders on `p` for one tile shape; the interval path on 1 and 2 threads.
void compare_paths(const Pattern& p, Index block_q, Index block_kv, const std::string& label) {
  const Geometry& g = p.geometry();
  const LayoutShape shape{g.q_len, g.kv_len, block_q, block_kv};
  BlockLayout generic = empty_layout(p, shape);
  fill_layout_generic(p, generic, 2);
  const std::string where = label + fmt::format(", tiles {}x{}", block_q, block_kv);
  for (int threads : {1, 2}) {
    const BlockLayout fast = build_layout(p, shape, threads);
    expect_same_layout(fast, generic, where + fmt::format(", {} threads", threads));
  }
}

TEST(LayoutPaths, RandomIntervalPatternsMatchTheGenericBuilder) {
  const std::vector<Geometry> geometries = {{203, 203, 1, 0}, {150, 333, 1, 0}, {150, 333, 1, 183},
                                            {333, 150, 1, 0}, {203, 197, 3, 0}, {101, 290, 2, 189}};
  const std::vector<std::pair<Index, Index>> tiles = {{16, 24}, {7, 5}, {64, 64}, {1, 3}};
  std::mt19937_64 rng(19);
  for (const Geometry& g : geometries) {
    for (const bool monotone : {true, false}) {
      for (int trial = 0; trial < 4; ++trial) {
        TableIntervals::Rows rows;
        for (int h = 0; h < g.heads; ++h)
          rows.push_back(monotone ? monotone_rows(g, rng) : scattered_rows(g, rng));
        const TableIntervals p(g, std::move(rows), monotone);
        const std::string label = fmt::format("{} q_len {} kv_len {} heads {} offset {} trial {}",
                                              monotone ? "monotone" : "scattered", g.q_len,
                                              g.kv_len, g.heads, g.q_offset, trial);
        for (const auto& [block_q, block_kv] : tiles) compare_paths(p, block_q, block_kv, label);
        expect_matches_predicate(p, build_layout(p, {g.q_len, g.kv_len, 16, 24}, 2), label);
      }
    }
  }
}

TEST(LayoutPaths, RegisteredIntervalPatternsMatchTheGenericBuilder) {
  const std::vector<std::pair<Index, Index>> tiles = {{16, 24}, {5, 7}};
  std::set<std::string> compared;
  for (const PatternInfo* info : all_patterns()) {
    for (const PatternInstance& instance : instances_of(*info)) {
      if (dynamic_cast<const IntervalPattern*>(instance.pattern.get()) == nullptr) continue;
      for (const auto& [block_q, block_kv] : tiles) {
        compare_paths(*instance.pattern, block_q, block_kv, instance.label);
      }
      compared.insert(info->name);
    }
  }
  EXPECT_GE(compared.size(), 21u);  // the built-in interval plugins (README: 21 of 29)
}

// Tiles whose height is a multiple of the period and of their width: the interval path copies a
// row from the one before (repeat_previous), unless a mask it needs was forgotten.
TEST(LayoutPaths, RepeatedRowsMatchTheGenericBuilder) {
  const std::vector<Geometry> geometries = {{403, 403, 1, 0}, {250, 333, 1, 83}, {301, 211, 3, 0}};
  const std::vector<std::pair<Index, Index>> tiles = {{16, 16}, {16, 8}, {32, 16}, {48, 24},
                                                      {16, 1},  {32, 2}, {16, 5}};
  std::mt19937_64 rng(1919);
  for (const Geometry& g : geometries) {
    for (int trial = 0; trial < 8; ++trial) {
      TableIntervals::Rows rows;
      for (int h = 0; h < g.heads; ++h) rows.push_back(periodic_rows(g, rng));
      const TableIntervals p(g, std::move(rows), true);
      const std::string label =
          fmt::format("periodic q_len {} kv_len {} heads {} offset {} trial {}", g.q_len, g.kv_len,
                      g.heads, g.q_offset, trial);
      for (const auto& [block_q, block_kv] : tiles) compare_paths(p, block_q, block_kv, label);
      expect_matches_predicate(p, build_layout(p, {g.q_len, g.kv_len, 16, 8}, 2), label);
    }
  }
}

// Floor 4's pattern (issue 19) at 64K + 37 tokens, square and bottom-right.
TEST(LayoutPaths, LongCausalWindowMatchesTheGenericBuilder) {
  const Index n = 65536 + 37;
  const auto square = make("sliding_window", {{"radius", Index{256}}, {"causal", true}}, n);
  compare_paths(*square, 64, 64, "causal window r=256, square");
  const auto tail = make(
      "sliding_window",
      {{"radius", Index{256}}, {"causal", true}, {"align", std::string{"bottom_right"}}}, n / 3, n);
  compare_paths(*tail, 64, 64, "causal window r=256, bottom-right");
}

}  // namespace
}  // namespace attnbench::testing
