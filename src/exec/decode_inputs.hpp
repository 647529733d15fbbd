// The inputs of a decode case, made per position by a counter-based generator: the value of
// Q, K or V at (batch item, head, position, channel) depends on nothing else, so the cache of
// an evicting pattern is filled with the keys it keeps and nothing of the cache's length is
// allocated, and the reference regenerates exactly the keys it reads.
#pragma once

#include <cstdint>
#include <vector>

#include "core/cache_policy.hpp"

namespace attnbench {

enum class DecodeTensor { kQ = 0, kK = 1, kV = 2 };

// One row (head_dim values, uniform in [-1, 1)) of a tensor at a position.
void decode_row(std::uint64_t seed, DecodeTensor tensor, Index batch, Index head, Index position,
                Index head_dim, float* out);

// The new tokens of every step, generated before anything is timed: a model would project them
// from its hidden states, which is not what attnbench measures.
class DecodeInputs {
 public:
  DecodeInputs(const DecodeShape& shape, Index batch, Index head_dim, std::uint64_t seed);

  // Q [batch, heads, tokens, d] and K, V [batch, kv_heads, tokens, d] of step `step`.
  const float* q(Index step) const { return q_.data() + step * q_step_; }
  const float* k(Index step) const { return k_.data() + step * kv_step_; }
  const float* v(Index step) const { return v_.data() + step * kv_step_; }

  const DecodeShape& shape() const { return shape_; }
  Index batch() const { return batch_; }
  Index head_dim() const { return head_dim_; }
  std::uint64_t seed() const { return seed_; }
  std::size_t bytes() const { return 4 * (q_.size() + k_.size() + v_.size()); }

 private:
  DecodeShape shape_;
  Index batch_, head_dim_;
  std::uint64_t seed_;
  Index q_step_, kv_step_;
  std::vector<float> q_, k_, v_;
};

// Readies a pattern at absolute positions for decoding from these inputs (outside any timed
// region). A block-retrieving pattern (Landmark inference) decides the rows of the steps only,
// from batch item 0's queries and keys, with the rule its forward pass uses: the decode
// executor makes the same choice in its timed steps, and the plan and the check read this one.
// Another content-dependent pattern (one that declares a cache policy) prepares from the
// generated Q and K of the whole final sequence; a static or replaying one needs nothing.
void prepare_decode_pattern(Pattern& pattern, const DecodeShape& shape, Index head_dim,
                            std::uint64_t seed);

}  // namespace attnbench
