// What every executor computes: O = softmax(Q K^T / sqrt(d) + mask) V per (batch, head), with
// grouped-query heads (head h reads key/value head h / (heads / kv_heads)). Tensors are f32,
// row-major: Q and O [batch, heads, q_len, d], K and V [batch, kv_heads, kv_len, d].
#pragma once

#include <cstdint>
#include <vector>

#include "core/case.hpp"
#include "core/content_pattern.hpp"
#include "core/params.hpp"

namespace attnbench {

struct Problem {
  Index batch = 1;
  Index heads = 1;
  Index kv_heads = 1;
  Index q_len = 0;
  Index kv_len = 0;
  Index head_dim = 64;
  int threads = 1;

  Index group() const { return heads / kv_heads; }
  std::size_t q_elements() const {
    return static_cast<std::size_t>(batch * heads * q_len * head_dim);
  }
  std::size_t kv_elements() const {
    return static_cast<std::size_t>(batch * kv_heads * kv_len * head_dim);
  }
  // Bytes of Q, K, V and O.
  std::size_t io_bytes() const { return 4 * (2 * q_elements() + 2 * kv_elements()); }
};

struct Tensors {
  std::vector<float> q, k, v;
};

// Uniform values in [-1, 1) from a counter-based generator: the same for a seed on any thread
// count, and fast enough for million-token inputs.
Tensors random_inputs(const Problem& problem, std::uint64_t seed);

// What a content-dependent pattern sees: batch item 0 of Q and K.
ContentInputs content_inputs(const Problem& problem, const Tensors& tensors);

// The problem a case executes: its key's shape and threads at its executed lengths.
Problem problem_of(const Case& c);

// Offsets of one (batch, head) slice.
inline std::size_t q_offset(const Problem& p, Index b, Index h) {
  return static_cast<std::size_t>(((b * p.heads + h) * p.q_len) * p.head_dim);
}
inline std::size_t kv_offset(const Problem& p, Index b, Index h) {
  return static_cast<std::size_t>(((b * p.kv_heads + h / p.group()) * p.kv_len) * p.head_dim);
}

}  // namespace attnbench
