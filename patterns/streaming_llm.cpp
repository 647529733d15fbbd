// StreamingLLM (Xiao et al. 2023): attention sinks plus a recent window, causal. Keys get their
// cache-slot positions (pos-shift), so a sink looks adjacent to the window (docs/patterns.md,
// `streaming_llm`). With `turns`, the multi-turn chat of streaming-llm's
// run_streaming_llama.py: the cache is evicted only before each prompt (evict_for_space), never
// inside a turn, so each turn's queries see the sinks and everything from the turn's first
// kept recent key on.
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>

#include <attnbench/errors.hpp>
#include <attnbench/registry.hpp>

#include "core/lambda_mask.hpp"

namespace attnbench {
namespace {

constexpr Index kDefaultGenTokens = 1000;  // run_streaming_llama.py's max_gen_len

// One turn of the chat: the positions it feeds, [begin, end) (its prompt, then its generated
// tokens but the last), and the first recent key kept for it; keys before `recent` other than
// the sinks are evicted.
struct Turn {
  Index begin, end, recent;
};

// evict_for_space(past, prompt + gen_tokens) before every prompt but the first (there is no
// cache yet): when the cache plus the coming tokens exceed sinks + window, keep the first
// `sinks` slots and the last window - coming ones (none when the coming tokens alone exceed the
// window: Python's slice with its start past its end is empty).
std::vector<Turn> schedule(const IndexList& prompts, Index gen, Index sinks, Index window) {
  std::vector<Turn> turns;
  Index position = 0, recent = 0;
  for (Index prompt : prompts) {
    const Index cached = std::min(sinks, recent) + (position - recent);
    const Index coming = prompt + gen;
    if (position > 0 && cached + coming > sinks + window)
      recent = position - std::max<Index>(0, window - coming);
    turns.push_back({position, position + prompt + gen - 1, recent});
    position = turns.back().end;
  }
  return turns;
}

class StreamingLlm final : public IntervalPattern {
 public:
  StreamingLlm(const Geometry& g, const ParamValues& p)
      : IntervalPattern(g), sinks_(p.get_int("sinks")), window_(p.get_int("window")) {
    const IndexList& prompts = p.get_list("turns");
    const Index gen = p.get_int("gen_tokens");
    if (prompts.empty()) {
      if (gen != kDefaultGenTokens)
        throw ParamError("gen_tokens", "gen_tokens is for a multi-turn chat: give `turns` too");
      return;
    }
    turns_ = schedule(prompts, gen, sinks_, window_);
    if (turns_.back().end != g.kv_len) {
      throw ParamError(
          "turns", fmt::format("turns {} with gen_tokens {} make {} tokens (sum(turns) + {} turns "
                               "x (gen_tokens - 1)); the sequence has {}",
                               prompts, gen, turns_.back().end, prompts.size(), g.kv_len));
    }
    if (g.q_offset < 0 || g.q_offset + g.q_len > g.kv_len)
      throw ParamError("turns", fmt::format("the chat has {} positions; queries at {} .. {} are "
                                            "outside it",
                                            g.kv_len, g.q_offset, g.q_offset + g.q_len - 1));
  }

  void key_intervals(int, Index q, Intervals& out) const override {
    if (turns_.empty()) return lambda_intervals(q, window_, sinks_, out);
    const Turn& t = turn_of(q);
    out.add(0, std::min(sinks_, t.recent));
    out.add(t.recent, q + 1);
  }

  // Window keys keep i - j; once the cache is full a sink j sits at slot j and the query at
  // slot sinks + window - 1. In a chat, the turn's kept keys fill the slots after the sinks.
  Index relative_position(int, Index q, Index k) const override {
    if (!turns_.empty()) return slot(turn_of(q), q) - slot(turn_of(q), k);
    const Index last_slot = sinks_ + window_ - 1;
    if (q - k < window_ || q < last_slot) return q - k;
    return last_slot - k;
  }

  std::optional<Index> closed_form_pairs(int) const override {
    if (!is_square(geometry())) return std::nullopt;
    if (turns_.empty()) return lambda_pairs(geometry().q_len, window_, sinks_);
    // Query i of a turn sees min(S, r) sinks and the keys r .. i.
    Index pairs = 0;
    for (const Turn& t : turns_) {
      const Index m = t.end - t.begin;
      pairs += m * (std::min(sinks_, t.recent) - t.recent + 1) + m * (t.begin + t.end - 1) / 2;
    }
    return pairs;
  }

 private:
  const Turn& turn_of(Index q) const {
    const auto after = std::upper_bound(turns_.begin(), turns_.end(), q,
                                        [](Index p, const Turn& t) { return p < t.begin; });
    return *(after - 1);
  }
  Index slot(const Turn& t, Index position) const {
    const Index kept_sinks = std::min(sinks_, t.recent);
    return position < kept_sinks ? position : kept_sinks + (position - t.recent);
  }

  Index sinks_, window_;
  std::vector<Turn> turns_;  // empty: one stream, evicted at every token
};

const bool kRegistered = register_pattern({
    .name = "streaming_llm",
    .summary = "StreamingLLM: causal, `sinks` first keys + the `window` most recent keys (self "
               "included); cache-slot positions (--positions); `turns`: multi-turn chat, "
               "evicted before each prompt only",
    .params = {{.name = "sinks",
                .type = ParamType::kInt,
                .default_value = Index{4},
                .help = "attention-sink keys at the start [C demo default 4]"},
               {.name = "window",
                .type = ParamType::kInt,
                .default_value = Index{2000},
                .help = "recent keys including self [C demo: recent 2000]",
                .min = 1},
               {.name = "turns",
                .type = ParamType::kIntList,
                .default_value = IndexList{},
                .help = "multi-turn chat: prompt lengths; seq_len = sum(turns) + turns x "
                        "(gen_tokens - 1) [C run_streaming_llama.py]",
                .min = 1,
                .in_id_at_default = false},
               {.name = "gen_tokens",
                .type = ParamType::kInt,
                .default_value = kDefaultGenTokens,
                .help = "tokens generated per turn, the last not fed back [C max_gen_len 1000]",
                .min = 1,
                .in_id_at_default = false}},
    .make = [](const Geometry& g,
               const ParamValues& p) { return std::make_unique<StreamingLlm>(g, p); },
    .examples = {{{"sinks", Index{2}}, {"window", Index{4}}},
                 {{"sinks", Index{3}}, {"window", Index{30}}},
                 {{"sinks", Index{2}},
                  {"window", Index{6}},
                  {"turns", IndexList{4, 2, 4}},
                  {"gen_tokens", Index{3}}},
                 {{"sinks", Index{4}},
                  {"window", Index{20}},
                  {"turns", IndexList{20, 10, 10}},
                  {"gen_tokens", Index{9}}},
                 {{"sinks", Index{3}},
                  {"window", Index{48}},
                  {"turns", IndexList{40, 30, 21}},
                  {"gen_tokens", Index{14}}},
                 {{"sinks", Index{2}},
                  {"window", Index{12}},
                  {"turns", IndexList{20, 6, 5, 4}},
                  {"gen_tokens", Index{6}}}},
});

}  // namespace
}  // namespace attnbench
