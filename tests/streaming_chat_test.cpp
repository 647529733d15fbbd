// StreamingLLM's multi-turn chat (`turns`, `gen_tokens`) against an emulation of
// streaming-llm's own loop on position indices (run_streaming_llama.py's streaming_inference and
// greedy_generate, StartRecentKVCache.evict_for_space), written from that code and not from the
// plugin: every query's keys, their cache-slot distances, the closed form; and decoding, whose
// derived cache policy must keep exactly upstream's cache.
#include <gtest/gtest.h>

#include <map>

#include "core/cache_policy.hpp"
#include "core/composite.hpp"
#include "exec/decode.hpp"
#include "exec/decode_reference.hpp"
#include "pattern_cases.hpp"

namespace attnbench::testing {
namespace {

using Keys = std::vector<Index>;
using Chat = std::map<Index, Keys>;  // query position -> the cache it attends, in slot order

// Before every prompt but the first: evict_for_space(past, prompt + gen), which keeps the first
// `sinks` slots and the slots [length - recent + coming, length) when the cache plus the coming
// tokens exceed sinks + recent. Then the prompt and gen - 1 generated tokens go in (the last
// generated token is never fed back), each query seeing the cache up to itself.
Chat upstream_chat(const IndexList& prompts, Index gen, Index sinks, Index recent) {
  Chat chat;
  Keys cache;
  Index position = 0;
  for (std::size_t t = 0; t < prompts.size(); ++t) {
    const Index length = static_cast<Index>(cache.size()), coming = prompts[t] + gen;
    if (t > 0 && length + coming > sinks + recent) {
      Keys kept(cache.begin(), cache.begin() + std::min(sinks, length));
      for (Index s = std::max<Index>(0, length - recent + coming); s < length; ++s)
        kept.push_back(cache[static_cast<std::size_t>(s)]);
      cache = kept;
    }
    for (Index i = 0; i < prompts[t] + gen - 1; ++i, ++position) {
      cache.push_back(position);
      chat[position] = cache;
    }
  }
  return chat;
}

Index total_of(const IndexList& prompts, Index gen) {
  Index n = 0;
  for (Index p : prompts) n += p + gen - 1;
  return n;
}

std::vector<std::pair<std::string, ParamValue>> chat_params(const IndexList& prompts, Index gen,
                                                            Index sinks, Index window) {
  return {{"sinks", sinks}, {"window", window}, {"turns", prompts}, {"gen_tokens", gen}};
}

// Small chats of every kind: prompts longer and shorter than the window, generation alone
// longer than it, no sinks, more sinks than the first turn has tokens.
TEST(StreamingChat, KeysAndSlotsMatchUpstreamLoop) {
  std::uint64_t state = 12345;
  auto draw = [&](Index lo, Index hi) {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    return lo + static_cast<Index>((state >> 33) % static_cast<std::uint64_t>(hi - lo + 1));
  };
  int chats = 0;
  for (int trial = 0; trial < 400; ++trial) {
    IndexList prompts(static_cast<std::size_t>(draw(1, 5)));
    for (Index& p : prompts) p = draw(1, 12);
    const Index gen = draw(1, 6), sinks = draw(0, 4), window = draw(1, 15);
    const Chat chat = upstream_chat(prompts, gen, sinks, window);
    const Index n = total_of(prompts, gen);
    const auto p = make("streaming_llm", chat_params(prompts, gen, sinks, window), n);
    Index pairs = 0;
    for (const auto& [q, cache] : chat) {
      Keys sorted = cache;
      std::sort(sorted.begin(), sorted.end());
      ASSERT_EQ(keys_of(*p, 0, q), sorted) << "trial " << trial << " q" << q;
      const Index query_slot = static_cast<Index>(cache.size()) - 1;
      for (std::size_t slot = 0; slot < cache.size(); ++slot) {
        ASSERT_EQ(p->relative_position(0, q, cache[slot]), query_slot - static_cast<Index>(slot))
            << "trial " << trial << " q" << q << " k" << cache[slot];
      }
      pairs += static_cast<Index>(cache.size());
    }
    EXPECT_EQ(count_pairs(*p, 0), pairs);
    EXPECT_EQ(p->closed_form_pairs(0), pairs) << "trial " << trial;
    ++chats;
  }
  EXPECT_EQ(chats, 400);
}

TEST(StreamingChat, RefusesALengthThatIsNotTheChats) {
  try {
    make("streaming_llm", chat_params({4, 2, 4}, 3, 2, 6), 20);
    FAIL() << "no error";
  } catch (const ParamError& e) {
    EXPECT_EQ(e.param(), "turns");
    EXPECT_NE(std::string(e.what()).find("gen_tokens 3 make 16 tokens"), std::string::npos)
        << e.what();
    EXPECT_NE(std::string(e.what()).find("the sequence has 20"), std::string::npos) << e.what();
  }
  EXPECT_THROW(make("streaming_llm", {{"gen_tokens", Index{5}}}, 16), ParamError);
  EXPECT_THROW(make("streaming_llm", chat_params({4, 2, 4}, 3, 2, 6), 20, 16), ParamError);
}

// The new parameters stay out of the ids at their defaults: the ids recorded in
// results/reference before they existed still name the same cases.
TEST(StreamingChat, IdsAtTheDefaultsAreUnchanged) {
  auto text = [](const std::string& name,
                 const std::vector<std::pair<std::string, ParamValue>>& params) {
    const PatternInfo& info = *find_pattern(name);
    PatternSpec spec{info.name, resolve_params(info, params), {}};
    for (const ParamSpec& p : info.params) spec.param_order.push_back(p.name);
    return spec.text();
  };
  EXPECT_EQ(text("streaming_llm", {}), "streaming_llm:sinks=4,window=2000,align=top_left");
  EXPECT_EQ(text("reformer", {}),
            "reformer:chunk=256,buckets=0,hashes=2,causal=true,seed=0,replay=,align=top_left");
  EXPECT_EQ(text("streaming_llm", chat_params({4, 2, 4}, 3, 2, 6)),
            "streaming_llm:sinks=2,window=6,turns=[4,2,4],gen_tokens=3,align=top_left");
  EXPECT_EQ(text("reformer", {{"attend_across_buckets", false}}),
            "reformer:chunk=256,buckets=0,hashes=2,causal=true,attend_across_buckets=false,seed=0,"
            "replay=,align=top_left");
}

// The conformance suite runs the chats among streaming_llm's examples: the worked example (16),
// one of 64 and one of 130 at both rectangular alignments (q50 kv130).
TEST(StreamingChat, ConformanceInstancesIncludeChats) {
  std::vector<std::string> chats;
  for (const PatternInstance& i : instances_of(*find_pattern("streaming_llm"))) {
    if (i.label.find("turns=[]") == std::string::npos) chats.push_back(i.label);
  }
  ASSERT_EQ(chats.size(), 4u);
  EXPECT_NE(chats[0].find("turns=[4,2,4] window=6] q16 kv16"), std::string::npos) << chats[0];
  EXPECT_NE(chats[1].find("q64 kv64"), std::string::npos) << chats[1];
  EXPECT_NE(chats[2].find("align=top_left"), std::string::npos) << chats[2];
  EXPECT_NE(chats[3].find("align=bottom_right"), std::string::npos) << chats[3];
  EXPECT_NE(chats[3].find("q50 kv130"), std::string::npos) << chats[3];
}

PatternSpec chat_spec(const IndexList& prompts, Index gen, Index sinks, Index window) {
  const PatternInfo& info = *find_pattern("streaming_llm");
  PatternSpec spec{info.name, resolve_params(info, chat_params(prompts, gen, sinks, window)), {}};
  for (const ParamSpec& p : info.params) spec.param_order.push_back(p.name);
  return spec;
}

// One token per step: the derived policy's cache during a step is upstream's cache when that
// token is fed, and both executors match the reference across the evictions.
TEST(StreamingChat, DecodeKeepsUpstreamsCache) {
  const IndexList prompts = {9, 4, 7, 3};
  const Index gen = 5, sinks = 2, window = 10;
  const Index n = total_of(prompts, gen);  // 39
  const DecodeShape shape{.initial = 6, .tokens = 1, .steps = n - 6, .heads = 2, .kv_heads = 1};
  const auto pattern = instantiate(chat_spec(prompts, gen, sinks, window), n, n, 2);
  const DecodePlan plan = plan_decode(*pattern, shape);
  const Chat chat = upstream_chat(prompts, gen, sinks, window);
  std::size_t peak = 0;
  for (Index step = 0; step < shape.steps; ++step) {
    Keys cache = chat.at(shape.step_begin(step)), kept;
    std::sort(cache.begin(), cache.end());
    for (const KeyRange& r : plan.steps[static_cast<std::size_t>(step)].keep_of(0))
      for (Index k = r.begin; k < r.end; ++k) kept.push_back(k);
    EXPECT_EQ(kept, cache) << "step " << step;
    peak = std::max(peak, cache.size());
  }
  EXPECT_EQ(plan.capacity, static_cast<Index>(peak));
  for (const ExecutorKind kind : kAllExecutors) {
    const DecodeInputs inputs(shape, 1, 16, 7);
    std::vector<float> out(static_cast<std::size_t>(shape.steps * 2 * 16));
    auto executor = make_decode_executor(kind, DecodePolicy::kCache, plan, inputs, 2);
    executor->reset();
    executor->run(out.data());
    EXPECT_LE(check_decode(*pattern, inputs, out.data(), 1).max_abs_err, 1e-4) << to_string(kind);
  }
}

}  // namespace
}  // namespace attnbench::testing
