// Decoding with a key-value cache (`pass: decode`): which cached keys each step keeps, derived
// from the pattern, and the plan a decoder follows. Positions are absolute: the cache starts
// with `initial` tokens (0 .. initial-1), step s appends `tokens` new ones at positions
// initial + s*tokens ..., whose queries attend as the pattern allows at those positions (the
// bottom-right geometry of a forward pass over the keys that exist at that step).
//
// The policy: keep key k while some query at a position from the current step's first to the
// final one may see it. The final length is known, so this is exact for any pattern whose
// candidate_keys are: a causal window keeps a ring, StreamingLLM its sinks and a ring, dense
// causal and Self-Extend everything. A plugin may declare its own (Pattern::decode_keep):
// Landmark keeps everything, since any later query may retrieve any complete block.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/block_retrieval.hpp"
#include "core/case.hpp"
#include "core/pattern.hpp"

namespace attnbench {

struct DecodeShape {
  Index initial = 0;  // cached tokens before the first step (the case's kv_len)
  Index tokens = 1;   // new tokens per step (the case's seq_len)
  Index steps = 1;
  Index heads = 1, kv_heads = 1;

  Index final_length() const { return initial + steps * tokens; }
  Index step_begin(Index step) const { return initial + step * tokens; }
  Index step_end(Index step) const { return step_begin(step) + tokens; }
  Index group() const { return heads / kv_heads; }
};

// Why a pattern cannot decode (content-dependent, or it changes the executed lengths, and it
// declares no policy of its own), or nullopt. `pattern` is `spec` instantiated.
std::optional<std::string> decode_skip_reason(const PatternSpec& spec, const Pattern& pattern);

// The keys among [0, length) a query at `q` sees, as sorted disjoint ranges (exact: the
// candidate ranges of that one query filtered by `allows`).
std::vector<KeyRange> allowed_keys(const Pattern& pattern, int head, Index q, Index length);

// What one step of the plan does. When the heads share one mask (`shared`), `keep` and
// `allowed` hold the first head's only.
struct DecodeStep {
  std::vector<std::vector<KeyRange>> keep;     // per key-value head: the cache during the step
  std::vector<std::vector<KeyRange>> allowed;  // per (head, row): head * tokens + row
  bool shared = false;
  Index heads_count = 1;
  bool exact = true;  // every query of the step sees exactly its key-value head's cache
  std::int64_t distinct_keys = 0;  // summed over key-value heads: keys the step may attend
  std::int64_t allowed_pairs = 0;  // summed over heads and rows
  // Block retrieval: the scored keys (one per candidate block) read besides the attended keys,
  // summed over key-value heads.
  std::int64_t scored_keys = 0;

  const std::vector<KeyRange>& keep_of(Index kv_head) const;
  const std::vector<KeyRange>& allowed_of(Index head, Index row) const;
};

struct DecodePlan {
  DecodeShape shape;
  std::vector<DecodeStep> steps;
  // Entries (one key and its value, one key-value head), summed over key-value heads: before
  // the first step, at most during a step, and during the last step.
  std::int64_t initial_entries = 0, max_entries = 0, final_entries = 0;
  Index capacity = 0;  // the most entries one key-value head holds at once
  std::vector<std::vector<KeyRange>> initial_keep;  // per key-value head, before the first step
  // Set when the pattern retrieves blocks by score (Landmark inference): the sparse decoder then
  // makes each step's choice itself, in the timed step, from its cache; `steps[].allowed` hold
  // the same choice, made by the pattern before planning (decide_decode_rows), for the check.
  std::optional<BlockRetrieval> retrieval;
};

// The plan under the pattern's policy. Throws std::runtime_error when a declared policy keeps
// a key it evicted earlier (the cache cannot bring it back).
DecodePlan plan_decode(const Pattern& pattern, const DecodeShape& shape);

// StreamingLLM's re-computation baseline as a mask: the queries of a step attend, causally,
// the last `window` tokens that exist at that step.
std::unique_ptr<Pattern> recompute_window(const DecodeShape& shape, Index window);

// Entries in sorted disjoint ranges.
Index count_keys(const std::vector<KeyRange>& ranges);

}  // namespace attnbench
