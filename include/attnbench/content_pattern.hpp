// Patterns whose mask depends on the data (LSH buckets, a Sinkhorn block sort, landmark top-k,
// MInference's vertical and slash lines). The harness calls prepare() with the case's Q and K
// (batch item 0, shared by every batch item) before it builds the layout, and reports the time
// as prepare_ms. A pattern replaying recorded decisions from a file needs no inputs.
#pragma once

#include <map>
#include <string>

#include <attnbench/pattern.hpp>

namespace attnbench {

struct ContentInputs {
  const float* q = nullptr;  // [heads, q_len, head_dim]
  const float* k = nullptr;  // [kv_heads, kv_len, head_dim]
  Index heads = 1, kv_heads = 1, q_len = 0, kv_len = 0, head_dim = 0;

  const float* q_row(Index head, Index row) const { return q + (head * q_len + row) * head_dim; }
  const float* k_row(Index head, Index row) const {
    return k + ((head / (heads / kv_heads)) * kv_len + row) * head_dim;
  }
};

class ContentPattern : public Pattern {
 public:
  using Pattern::Pattern;
  virtual void prepare(const ContentInputs& inputs) = 0;
  // Balance of the decisions (bucket sizes, block choices) for the record.
  virtual std::map<std::string, double> balance() const { return {}; }
  bool varies_by_head() const override { return true; }
};

}  // namespace attnbench
