// Compositions from a config: union, intersection and per_head behave as their definitions over
// the parts, their layouts expand back to the predicate, and the executors match the reference.
#include <gtest/gtest.h>

#include <cmath>
#include <numeric>

#include "config/experiment.hpp"
#include "core/composite.hpp"
#include "core/layout.hpp"
#include "core/prepare_mask.hpp"
#include "exec/executor.hpp"
#include "exec/reference.hpp"
#include "pattern_cases.hpp"

namespace attnbench::testing {
namespace {

Case only_case(const std::string& entry) {
  const Experiment e =
      load_experiment_text("seq_len: 97\nshape: {heads: 4}\npatterns:\n" + entry, "c.yaml", {});
  EXPECT_EQ(e.cases.size(), 1u);
  return e.cases.front();
}

void expect_consistent(const Case& c) {
  MaskRequest request = mask_request(c);
  request.block_q = request.block_kv = 16;
  const Problem problem{1, c.heads(), c.heads(), c.q_len, c.kv_len, 32, 2};
  const Tensors in = random_inputs(problem, 3);
  const PreparedMask prepared = prepare_mask(request, [&] { return content_inputs(problem, in); });
  const Pattern* pattern = prepared.pattern.get();
  const Geometry& g = pattern->geometry();
  const BlockLayout& layout = prepared.layout;
  for (int h = 0; h < g.heads; ++h) {
    const std::vector<std::uint8_t> mask = expand_layout(layout, h);
    for (Index r = 0; r < g.q_len; ++r) {
      for (Index k = 0; k < g.kv_len; ++k) {
        ASSERT_EQ(mask[static_cast<std::size_t>(r * g.kv_len + k)] != 0, pattern->allows(h, r, k))
            << c.id();
      }
    }
  }
  for (const ExecutorKind executor : kAllExecutors) {
    std::vector<float> out(problem.q_elements());
    make_executor(executor, problem, layout)->run(in, out.data());
    for (Index h = 0; h < g.heads; ++h) {
      const std::vector<double> ref =
          reference_rows(*pattern, problem, in, 0, h, sample_rows(g.q_len, g.q_len));
      for (std::size_t i = 0; i < ref.size(); ++i) {
        ASSERT_NEAR(out[q_offset(problem, 0, h) + i], ref[i], 1e-4)
            << to_string(executor) << " " << c.id();
      }
    }
  }
}

TEST(Composite, UnionIsAnyPart) {
  const Case c = only_case(R"(  - name: union
    of:
      - {name: sliding_window, params: {radius: 3, causal: true}}
      - {name: streaming_llm, params: {sinks: 2, window: 1}}
)");
  EXPECT_EQ(c.pattern.text(),
            "union(sliding_window:radius=3,causal=true,left=-1,right=-1,align=top_left|"
            "streaming_llm:sinks=2,window=1,align=top_left)");
  const auto p = instantiate(c.pattern, 97, 97, 4);
  EXPECT_EQ(keys_of(*p, 0, 50), (std::vector<Index>{0, 1, 47, 48, 49, 50}));
  expect_consistent(c);
}

TEST(Composite, IntersectionIsEveryPart) {
  const Case c = only_case(R"(  - name: intersection
    of:
      - {name: sliding_window, params: {radius: 10}}
      - {name: dense, params: {causal: true}}
)");
  const auto p = instantiate(c.pattern, 97, 97, 4);
  EXPECT_EQ(keys_of(*p, 0, 12), (std::vector<Index>{2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}));
  expect_consistent(c);
}

TEST(Composite, PerHeadGivesEachGroupItsPattern) {
  const Case c = only_case(R"(  - name: per_head
    of:
      - {name: sliding_window, params: {radius: 1}, heads: 1}
      - {name: dense, params: {causal: true}, heads: 3}
)");
  const auto p = instantiate(c.pattern, 97, 97, 4);
  EXPECT_EQ(keys_of(*p, 0, 10), (std::vector<Index>{9, 10, 11}));
  EXPECT_EQ(keys_of(*p, 3, 3), (std::vector<Index>{0, 1, 2, 3}));
  EXPECT_TRUE(p->varies_by_head());
  expect_consistent(c);
}

// At q200 x kv700, causal dense aligned bottom-right allows sum_{i=500}^{699} (i + 1) = 120,100
// pairs per head (top-left: 20,100). Inside a composition each part keeps its own alignment,
// and the reference that `--mode check` compares with rebuilds the composition from the parts'
// own predicates, so it agrees with the part alone.
Case case_at_200_700(const std::string& entry) {
  const Experiment e = load_experiment_text(
      "seq_len: 200\nkv_len: 700\nshape: {heads: 4}\npatterns:\n" + entry, "c.yaml", {});
  EXPECT_EQ(e.cases.size(), 1u);
  return e.cases.front();
}

Index layout_pairs(const Pattern& p, int head) {
  const Geometry& g = p.geometry();
  const std::vector<std::uint8_t> mask =
      expand_layout(build_layout(p, {g.q_len, g.kv_len, 64, 64}, 2), head);
  return std::accumulate(mask.begin(), mask.end(), Index{0});
}

// The pairs the reference sees: a composition rebuilt from its parts' own predicates.
Index reference_pairs(const Pattern& p, int head) {
  const Geometry& g = p.geometry();
  std::vector<std::uint8_t> row(static_cast<std::size_t>(g.kv_len));
  Index pairs = 0;
  for (Index r = 0; r < g.q_len; ++r) {
    reference_mask_row(p, head, r, row.data());
    pairs += std::accumulate(row.begin(), row.end(), Index{0});
  }
  return pairs;
}

TEST(Composite, PartsKeepTheirAlignment) {
  const std::string causal_br = "{name: dense, params: {causal: true, align: bottom_right}}";
  const Case alone_case = case_at_200_700("  - " + causal_br + "\n");
  const auto alone = instantiate(alone_case.pattern, 200, 700, 4);
  ASSERT_EQ(count_pairs(*alone, 0), 120100);
  const Case u = case_at_200_700("  - name: union\n    of:\n      - " + causal_br +
                                 "\n      - {name: sliding_window, params: {radius: 2, causal: "
                                 "true}}\n");
  const auto p = instantiate(u.pattern, u.q_len, u.kv_len, 4);
  EXPECT_EQ(count_pairs(*p, 0), 120100);
  EXPECT_EQ(layout_pairs(*p, 0), 120100);
  const Problem problem{1, 4, 4, 200, 700, 32, 2};
  const Tensors in = random_inputs(problem, 5);
  const std::vector<Index> rows = sample_rows(200, 200);
  for (Index h = 0; h < 4; ++h) {
    const std::vector<double> ref = reference_rows(*p, problem, in, 0, h, rows);
    const std::vector<double> ref_alone = reference_rows(*alone, problem, in, 0, h, rows);
    ASSERT_EQ(ref, ref_alone) << "head " << h;
  }
  EXPECT_EQ(reference_pairs(*p, 0), 120100);
  const BlockLayout layout = build_layout(*p, {200, 700, 64, 64}, 2);
  for (const ExecutorKind executor : kAllExecutors) {
    std::vector<float> out(problem.q_elements());
    make_executor(executor, problem, layout)->run(in, out.data());
    const std::vector<double> ref = reference_rows(*alone, problem, in, 0, 3, rows);
    for (std::size_t e = 0; e < ref.size(); ++e)
      ASSERT_NEAR(out[q_offset(problem, 0, 3) + e], ref[e], 1e-4) << to_string(executor);
  }

  const Case both =
      case_at_200_700("  - name: intersection\n    of:\n      - " + causal_br +
                      "\n      - {name: sliding_window, params: {radius: 100, causal: true, align: "
                      "bottom_right}}\n");
  const auto i = instantiate(both.pattern, both.q_len, both.kv_len, 4);
  EXPECT_EQ(count_pairs(*i, 0), 200 * 101);
  EXPECT_EQ(layout_pairs(*i, 0), 200 * 101);
  EXPECT_EQ(reference_pairs(*i, 0), 200 * 101);

  const Case heads = case_at_200_700(
      "  - name: per_head\n    of:\n      - {name: dense, params: "
      "{causal: true, align: bottom_right}, heads: 2}\n      - "
      "{name: dense, params: {causal: true}, heads: 2}\n");
  const auto h = instantiate(heads.pattern, heads.q_len, heads.kv_len, 4);
  EXPECT_EQ(count_pairs(*h, 0), 120100);
  EXPECT_EQ(layout_pairs(*h, 1), 120100);
  EXPECT_EQ(count_pairs(*h, 2), 20100);
  EXPECT_EQ(layout_pairs(*h, 3), 20100);
  EXPECT_EQ(reference_pairs(*h, 1), 120100);
  EXPECT_EQ(reference_pairs(*h, 2), 20100);
}

TEST(Composite, MistakesAreLocated) {
  EXPECT_THROW(only_case("  - {name: per_head, of: [{name: dense, heads: 3}]}\n"),
               InputError);                                                         // 3 of 4 heads
  EXPECT_THROW(only_case("  - {name: union, of: [{name: dense}]}\n"), InputError);  // one part
  EXPECT_THROW(only_case("  - {name: union, of: [{name: dense}, {name: longt5}]}\n"),
               InputError);  // lengths differ
  try {
    only_case("  - {name: union, of: [{name: dense}, {name: sliding_windw}]}\n");
    FAIL();
  } catch (const InputError& e) {
    EXPECT_EQ(e.key(), "patterns.0.of.1.name");
    EXPECT_NE(std::string(e.what()).find("did you mean 'sliding_window'"), std::string::npos);
  }
}

}  // namespace
}  // namespace attnbench::testing
