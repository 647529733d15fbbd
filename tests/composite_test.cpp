// Compositions from a config: union, intersection and per_head behave as their definitions over
// the parts, their layouts expand back to the predicate, and the executors match the reference.
#include <gtest/gtest.h>

#include <cmath>

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
