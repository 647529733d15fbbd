// The online softmax step of one query tile over one chunk of keys (Milakov & Gimelshein 2018,
// as in FlashAttention): scores become probabilities against the running row maximum, the
// running sums and the accumulated output are rescaled when the maximum grows.
#pragma once

#include <cstdint>

namespace attnbench {

struct SoftmaxState {
  float* max;  // running maximum per row (of scaled scores)
  float* sum;  // running sum of exp per row
  float* acc;  // rows x head_dim accumulated output
  std::int64_t head_dim;
};

// scores: rows x cols (row stride cols); on return they hold exp(score - new max), or, when
// `probabilities` is given, that holds them in bf16 instead (what a bf16 second GEMM reads).
void online_softmax_update(SoftmaxState state, float* scores, std::int64_t rows, std::int64_t cols,
                           std::uint16_t* probabilities = nullptr);

// out row = acc row / sum (zeros for a row that saw no key).
void online_softmax_finish(SoftmaxState state, std::int64_t rows, float* out);
// The same, written in bf16.
void online_softmax_finish(SoftmaxState state, std::int64_t rows, std::uint16_t* out);

// lse row = max + log(sum): the row's log-sum-exp (-inf for a row that saw no key).
void online_softmax_lse(SoftmaxState state, std::int64_t rows, float* lse);

}  // namespace attnbench
