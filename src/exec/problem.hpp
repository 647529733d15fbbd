// What every executor computes: O = softmax(Q K^T / sqrt(d) + mask) V per (batch, head), with
// grouped-query heads (head h reads key/value head h / (heads / kv_heads)). Tensors are in the
// problem's dtype (f32 or bf16), row-major: Q and O [batch, heads, q_len, d], K and V
// [batch, kv_heads, kv_len, d].
#pragma once

#include <cstdint>
#include <vector>

#include "core/case.hpp"
#include "core/content_pattern.hpp"
#include "core/params.hpp"
#include "exec/dtype.hpp"

namespace attnbench {

struct Problem {
  Index batch = 1;
  Index heads = 1;
  Index kv_heads = 1;
  Index q_len = 0;
  Index kv_len = 0;
  Index head_dim = 64;
  int threads = 1;
  DataType dtype = DataType::kF32;
  Pass pass = Pass::kForward;  // backward and train also compute dQ, dK, dV (f32 only)

  bool gradients() const { return pass == Pass::kBackward || pass == Pass::kTrain; }
  Index group() const { return heads / kv_heads; }
  std::size_t q_elements() const {
    return static_cast<std::size_t>(batch * heads * q_len * head_dim);
  }
  std::size_t kv_elements() const {
    return static_cast<std::size_t>(batch * kv_heads * kv_len * head_dim);
  }
  // Bytes of Q, K, V and O in the problem's type.
  std::size_t io_bytes() const {
    return element_bytes(dtype) * (2 * q_elements() + 2 * kv_elements());
  }
};

// The inputs in f32; for a bf16 problem also their bf16 copies (round_inputs, exec/dtype.hpp),
// which the executors read, while the f32 values are the same numbers for the reference.
// For a pass that computes gradients also dO, the output's gradient ([batch, heads, q_len, d]).
struct Tensors {
  std::vector<float> q, k, v;
  std::vector<std::uint16_t> q_bf16, k_bf16, v_bf16;
  std::vector<float> d_out;
};

// What an executor reads: Q, K and V in `dtype`.
struct InputData {
  const void* q;
  const void* k;
  const void* v;
};
inline InputData input_data(const Tensors& t, DataType dtype) {
  if (dtype == DataType::kBf16) return {t.q_bf16.data(), t.k_bf16.data(), t.v_bf16.data()};
  return {t.q.data(), t.k.data(), t.v.data()};
}

// O as written by an executor (a buffer of q_elements() values in `dtype`), read back as f32.
inline float output_value(const void* out, DataType dtype, std::size_t index) {
  if (dtype == DataType::kBf16) return from_bf16(static_cast<const std::uint16_t*>(out)[index]);
  return static_cast<const float*>(out)[index];
}

// Uniform values in [-1, 1) from a counter-based generator: the same for a seed on any thread
// count, and fast enough for million-token inputs; rounded to the problem's dtype.
Tensors random_inputs(const Problem& problem, std::uint64_t seed);

// A seeded dO (uniform in [-1, 1), a stream of its own), for a problem that computes gradients;
// nothing otherwise. random_inputs calls it; loaded inputs get it too.
void add_output_gradient(Tensors& tensors, const Problem& problem, std::uint64_t seed);

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
