// Decoding (`pass: decode`): every built-in pattern with a cache policy decodes on both
// executors to the double-precision reference (Landmark inference with its blocks chosen per
// step: decode_landmark_test.cpp has more), the others are skipped with a reason; the
// policies keep what the issue says they keep; a declared policy is used, and a wrong one is
// caught by the check; the re-computation baseline matches its own window.
#include <gtest/gtest.h>

#include <cmath>
#include <set>

#include "core/cache_policy.hpp"
#include "core/composite.hpp"
#include "exec/decode.hpp"
#include "exec/decode_reference.hpp"
#include "pattern_cases.hpp"

namespace attnbench::testing {
namespace {

PatternSpec spec_of(const PatternInfo& info,
                    const std::vector<std::pair<std::string, ParamValue>>& params) {
  PatternSpec spec{info.name, resolve_params(info, params), {}};
  for (const ParamSpec& p : info.params) spec.param_order.push_back(p.name);
  return spec;
}

// Runs one executor over every step and checks it at sampled steps (all rows).
DecodeCheck decode_and_check(const Pattern& checked, const DecodePlan& plan, ExecutorKind kind,
                             DecodePolicy policy, CacheEntries* entries = nullptr) {
  const DecodeInputs inputs(plan.shape, 2, 16, 11);
  std::vector<float> out(
      static_cast<std::size_t>(plan.shape.steps * 2 * plan.shape.heads * plan.shape.tokens * 16),
      NAN);
  auto executor = make_decode_executor(kind, policy, plan, inputs, 2);
  executor->reset();
  executor->run(out.data());
  if (entries) *entries = executor->entries();
  return check_decode(checked, inputs, out.data(), plan.shape.tokens);
}

const std::set<std::string> kWithoutPolicy = {"reformer", "sinkhorn", "vertical_slash",
                                              "funnel",   "etc",      "bi_blosan"};

TEST(Decode, EveryPatternWithAPolicyMatchesTheReferenceOnBothExecutors) {
  int decoded = 0, retrieving = 0;
  std::set<std::string> skipped;
  for (const PatternInfo* info : all_patterns()) {
    if (!info->origin.empty()) continue;
    std::vector<std::vector<std::pair<std::string, ParamValue>>> sets = {{}};
    sets.insert(sets.end(), info->examples.begin(), info->examples.end());
    for (const auto& params : sets) {
      // One token on 2 key-value heads (each thread owns one), three on 1 (split per step).
      for (const Index tokens : {Index{1}, Index{3}}) {
        const DecodeShape shape{.initial = 40,
                                .tokens = tokens,
                                .steps = 5,
                                .heads = 4,
                                .kv_heads = tokens == 1 ? 2 : 1};
        const PatternSpec spec = spec_of(*info, params);
        std::unique_ptr<Pattern> pattern;
        try {
          pattern = instantiate(spec, shape.final_length(), shape.final_length(), 4);
        } catch (const ParamError&) {
          continue;  // not for this length
        }
        if (auto why = decode_skip_reason(spec, *pattern)) {
          skipped.insert(info->name);
          EXPECT_TRUE(kWithoutPolicy.count(info->name)) << info->name << ": " << *why;
          continue;
        }
        prepare_decode_pattern(*pattern, shape, 16, 11);  // decode_and_check's d and seed
        const DecodePlan plan = plan_decode(*pattern, shape);
        retrieving += plan.retrieval ? 1 : 0;
        for (const ExecutorKind kind : kAllExecutors) {
          const DecodeCheck check = decode_and_check(*pattern, plan, kind, DecodePolicy::kCache);
          EXPECT_LE(check.max_abs_err, 1e-4)
              << spec.text() << " tokens " << tokens << " on " << to_string(kind);
          EXPECT_EQ(check.non_finite, 0);
        }
        ++decoded;
      }
    }
  }
  EXPECT_GE(decoded, 40);
  EXPECT_EQ(retrieving, 4);  // landmark's two infer examples, at 1 and 3 tokens per step
  for (const char* name : {"reformer", "sinkhorn", "funnel"}) {
    EXPECT_TRUE(skipped.count(name)) << name << " should be skipped";
  }
}

std::unique_ptr<Pattern> named(const std::string& name,
                               const std::vector<std::pair<std::string, ParamValue>>& params,
                               const DecodeShape& s) {
  return instantiate(spec_of(*find_pattern(name), params), s.final_length(), s.final_length(),
                     static_cast<int>(s.heads));
}

TEST(Decode, StreamingLlmKeepsItsSinksAndARingWhateverTheCache) {
  for (const Index initial : {Index{64}, Index{4096}}) {
    const DecodeShape s{.initial = initial, .tokens = 1, .steps = 8, .heads = 4, .kv_heads = 2};
    const auto pattern = named("streaming_llm", {{"sinks", Index{4}}, {"window", Index{12}}}, s);
    const DecodePlan plan = plan_decode(*pattern, s);
    EXPECT_EQ(plan.capacity, 16);
    EXPECT_EQ(plan.max_entries, 16 * 2);
    EXPECT_EQ(plan.initial_entries, 15 * 2);  // the next query's 11 recent keys and 4 sinks
    EXPECT_TRUE(plan.steps.front().exact);
    CacheEntries entries;
    EXPECT_LE(
        decode_and_check(*pattern, plan, ExecutorKind::kSparse, DecodePolicy::kCache, &entries)
            .max_abs_err,
        1e-4);
    EXPECT_EQ(entries.initial, plan.initial_entries);
    EXPECT_EQ(entries.max, plan.max_entries);
    EXPECT_EQ(entries.final, plan.final_entries);
  }
}

TEST(Decode, PoliciesKeepWhatThePatternNeeds) {
  const DecodeShape s{.initial = 100, .tokens = 2, .steps = 4, .heads = 2, .kv_heads = 1};
  // A causal window: a ring of its width.
  EXPECT_EQ(plan_decode(*named("sliding_window", {{"radius", Index{9}}, {"causal", true}}, s), s)
                .capacity,
            10 + 1);  // the step's two queries see 10 keys each, 11 between them
  // Dense causal and Self-Extend: everything.
  for (const char* name : {"dense", "self_extend"}) {
    const std::vector<std::pair<std::string, ParamValue>> params =
        std::string(name) == "dense"
            ? std::vector<std::pair<std::string, ParamValue>>{{"causal", true}}
            : std::vector<std::pair<std::string, ParamValue>>{{"group", Index{4}},
                                                              {"neighbor_window", Index{8}}};
    const DecodePlan plan = plan_decode(*named(name, params, s), s);
    EXPECT_EQ(plan.initial_entries, 100) << name;
    EXPECT_EQ(plan.final_entries, 108) << name;
  }
  // The Λ-mask: its globals and a ring.
  const DecodePlan lambda =
      plan_decode(*named("lm_infinite", {{"local", Index{20}}, {"global", Index{3}}}, s), s);
  EXPECT_EQ(lambda.capacity, 3 + 21);
}

// A test pattern: causal, with no candidate ranges of its own (every key is a candidate), and a
// declared policy: keep the last `keep` keys only.
class DeclaredPolicy final : public Pattern {
 public:
  DeclaredPolicy(const Geometry& g, Index keep) : Pattern(g), keep_(keep) {}
  bool allows(int, Index q, Index k) const override { return k <= q && k > q - 6; }
  std::optional<std::vector<KeyRange>> decode_keep(int, Index q_begin, Index,
                                                   Index length) const override {
    return std::vector<KeyRange>{{std::max<Index>(0, q_begin - keep_ + 1), length}};
  }

 private:
  Index keep_;
};

TEST(Decode, ADeclaredPolicyIsUsedAndAWrongOneFailsTheCheck) {
  const DecodeShape s{.initial = 50, .tokens = 1, .steps = 6, .heads = 2, .kv_heads = 2};
  const Geometry g{s.final_length(), s.final_length(), 2, 0};
  const DeclaredPolicy right(g, 6), wrong(g, 3);
  const DecodePlan plan = plan_decode(right, s);
  EXPECT_EQ(plan.capacity, 6);  // the derived policy (every key a candidate) would keep all
  EXPECT_LE(decode_and_check(right, plan, ExecutorKind::kSparse, DecodePolicy::kCache).max_abs_err,
            1e-4);
  const DecodePlan bad = plan_decode(wrong, s);
  EXPECT_EQ(bad.capacity, 3);
  EXPECT_GT(decode_and_check(wrong, bad, ExecutorKind::kSparse, DecodePolicy::kCache).max_abs_err,
            1e-3);
}

TEST(Decode, RecomputeMatchesItsWindowOnBothExecutors) {
  const DecodeShape s{.initial = 80, .tokens = 2, .steps = 4, .heads = 4, .kv_heads = 2};
  const auto pattern = named("streaming_llm", {{"sinks", Index{2}}, {"window", Index{14}}}, s);
  const Index w = plan_decode(*pattern, s).capacity;
  EXPECT_EQ(w, 2 + 15);
  const auto window = recompute_window(s, w);
  const DecodePlan plan = plan_decode(*window, s);
  EXPECT_EQ(plan.capacity, w);
  for (const ExecutorKind kind : kAllExecutors) {
    CacheEntries entries;
    EXPECT_LE(decode_and_check(*window, plan, kind, DecodePolicy::kRecompute, &entries).max_abs_err,
              1e-4)
        << to_string(kind);
    EXPECT_EQ(entries.max, 2 * w);
  }
  // The window is not the pattern: the sinks are gone.
  EXPECT_GT(
      decode_and_check(*pattern, plan, ExecutorKind::kSparse, DecodePolicy::kRecompute).max_abs_err,
      1e-3);
}

TEST(Decode, SplitPartsCombineOverALongCache) {
  // 1 key-value head on 2 threads: the cache is split in parts, combined at each step.
  const DecodeShape s{.initial = 3000, .tokens = 1, .steps = 3, .heads = 8, .kv_heads = 1};
  const auto pattern = named("dense", {{"causal", true}}, s);
  const DecodePlan plan = plan_decode(*pattern, s);
  const DecodeInputs inputs(s, 1, 16, 3);
  auto executor =
      make_decode_executor(ExecutorKind::kSparse, DecodePolicy::kCache, plan, inputs, 2);
  EXPECT_NE(executor->impl().find("split in 8 part(s)"), std::string::npos) << executor->impl();
  std::vector<float> out(static_cast<std::size_t>(3 * 8 * 16));
  executor->reset();
  executor->run(out.data());
  EXPECT_LE(check_decode(*pattern, inputs, out.data(), 1).max_abs_err, 1e-4);
}

}  // namespace
}  // namespace attnbench::testing
