// Landmark inference decoding: each step's block choice, made by the sparse decoder from its
// cache inside the timed step, is the forward pass's choice for the same query row (the last
// row of a forward infer at that length, on the same Q and K); the decoder attends only what
// it chose, keeps every key (the cache grows), and matches the double-precision reference.
#include <gtest/gtest.h>

#include <cmath>
#include <set>

#include "core/cache_policy.hpp"
#include "core/composite.hpp"
#include "core/content_pattern.hpp"
#include "core/decisions.hpp"
#include "exec/decode.hpp"
#include "exec/decode_reference.hpp"
#include "pattern_cases.hpp"

namespace attnbench::testing {
namespace {

constexpr Index kD = 16;

std::unique_ptr<Pattern> landmark(Index block_tokens, Index top_k, Index chunk, Index length,
                                  int heads) {
  const PatternInfo& info = *find_pattern("landmark");
  PatternSpec spec{info.name,
                   resolve_params(info, {{"block_tokens", block_tokens},
                                         {"mode", std::string("infer")},
                                         {"top_k", top_k},
                                         {"chunk", chunk}}),
                   {}};
  for (const ParamSpec& p : info.params) spec.param_order.push_back(p.name);
  return instantiate(spec, length, length, heads);
}

// Batch item 0's rows [0, n) of every head of a tensor, as the decode generator makes them.
std::vector<float> rows_of(DecodeTensor tensor, Index heads, Index n, std::uint64_t seed) {
  std::vector<float> x(static_cast<std::size_t>(heads * n * kD));
  for (Index h = 0; h < heads; ++h) {
    for (Index p = 0; p < n; ++p)
      decode_row(seed, tensor, 0, h, p, kD, x.data() + (h * n + p) * kD);
  }
  return x;
}

bool same(const std::vector<KeyRange>& a, const std::vector<KeyRange>& b) {
  return std::equal(
      a.begin(), a.end(), b.begin(), b.end(),
      [](const KeyRange& x, const KeyRange& y) { return x.begin == y.begin && x.end == y.end; });
}

TEST(DecodeLandmark, EachStepChoosesWhatTheForwardPassChoosesForItsLastRow) {
  const int heads = 4;
  const Index kv_heads = 2, top_k = 2;
  const std::uint64_t seed = 5;
  std::set<std::vector<std::int32_t>> distinct;
  for (const Index position : {Index{9}, Index{33}, Index{47}, Index{64}, Index{95}}) {
    const Index n = position + 1;
    auto forward = landmark(3, top_k, 8, n, heads);
    const std::vector<float> q = rows_of(DecodeTensor::kQ, heads, n, seed);
    const std::vector<float> k = rows_of(DecodeTensor::kK, kv_heads, n, seed);
    dynamic_cast<ContentPattern&>(*forward).prepare(
        ContentInputs{q.data(), k.data(), heads, kv_heads, n, n, kD});
    const std::optional<BlockRetrieval> rule =
        dynamic_cast<const RetrievesBlocks&>(*forward).block_retrieval();
    ASSERT_TRUE(rule.has_value());
    const std::vector<std::int32_t> decided =
        dynamic_cast<const RecordsDecisions&>(*forward).decisions().values;
    for (int h = 0; h < heads; ++h) {
      // The decoder's view: the query of the step, the cache's keys by position.
      const Index g = h / (heads / kv_heads);
      RetrievedRows step;
      retrieve_rows(*rule, q.data() + (h * n + position) * kD, k.data() + g * n * kD, kD,
                    RowsAt{1, position, 1}, step);
      const std::int32_t* last = decided.data() + (h * n + position) * top_k;
      EXPECT_EQ(step.chosen, std::vector<std::int32_t>(last, last + top_k))
          << "head " << h << " position " << position;
      EXPECT_TRUE(same(step.rows[0], allowed_keys(*forward, h, position, n)))
          << "head " << h << " position " << position;
      distinct.insert(step.chosen);
    }
  }
  EXPECT_GE(distinct.size(), 4u);  // the choice follows the data, not a fixed rule
}

struct Decoded {
  DecodeCheck check;
  CacheEntries entries;
  std::string impl;
};

Decoded decode(const Pattern& pattern, const DecodePlan& plan, ExecutorKind kind) {
  const DecodeInputs inputs(plan.shape, 2, kD, 11);
  const DecodeShape& s = plan.shape;
  std::vector<float> out(static_cast<std::size_t>(s.steps * 2 * s.heads * s.tokens * kD), NAN);
  auto executor = make_decode_executor(kind, DecodePolicy::kCache, plan, inputs, 2);
  executor->reset();
  executor->run(out.data());
  return {check_decode(pattern, inputs, out.data(), s.tokens), executor->entries(),
          executor->impl()};
}

TEST(DecodeLandmark, KeepsEveryKeyAndMatchesTheReferenceWithItsOwnChoice) {
  // One token on 2 key-value heads (a thread each), three on 1 (the per-step parallel loop).
  for (const Index tokens : {Index{1}, Index{3}}) {
    const DecodeShape s{
        .initial = 150, .tokens = tokens, .steps = 6, .heads = 4, .kv_heads = tokens == 1 ? 2 : 1};
    auto pattern = landmark(7, 3, 32, s.final_length(), 4);
    prepare_decode_pattern(*pattern, s, kD, 11);
    const DecodePlan plan = plan_decode(*pattern, s);
    ASSERT_TRUE(plan.retrieval.has_value());
    EXPECT_EQ(plan.initial_entries, s.initial * s.kv_heads);  // every block stays retrievable
    EXPECT_EQ(plan.final_entries, s.final_length() * s.kv_heads);
    EXPECT_GT(plan.steps.front().scored_keys, 0);
    for (const ExecutorKind kind : kAllExecutors) {
      const Decoded d = decode(*pattern, plan, kind);
      EXPECT_LE(d.check.max_abs_err, 1e-4) << to_string(kind) << " tokens " << tokens;
      EXPECT_EQ(d.check.non_finite, 0);
      EXPECT_EQ(d.entries.max, plan.max_entries);
    }
    const std::string impl = decode(*pattern, plan, ExecutorKind::kSparse).impl;
    EXPECT_NE(impl.find("scores the cached landmarks"), std::string::npos) << impl;
  }
}

TEST(DecodeLandmark, TheSparseDecoderChoosesFromItsCacheNotFromThePlan) {
  // The pattern decides from other inputs (seed 99) than the decoder reads (seed 11): the
  // reference follows the pattern's choice, the dense executor the plan's mask, and the sparse
  // decoder its own, so only the sparse decoder departs from the reference.
  const DecodeShape s{.initial = 150, .tokens = 1, .steps = 6, .heads = 4, .kv_heads = 2};
  auto pattern = landmark(7, 3, 32, s.final_length(), 4);
  prepare_decode_pattern(*pattern, s, kD, 99);
  const DecodePlan plan = plan_decode(*pattern, s);
  EXPECT_LE(decode(*pattern, plan, ExecutorKind::kDense).check.max_abs_err, 1e-4);
  EXPECT_GT(decode(*pattern, plan, ExecutorKind::kSparse).check.max_abs_err, 1e-3);
}

}  // namespace
}  // namespace attnbench::testing
