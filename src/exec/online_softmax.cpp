#include "exec/online_softmax.hpp"

#include <cmath>
#include <limits>

#include <algorithm>

#include "exec/dtype.hpp"
#include "exec/exp_row.hpp"
#include "exec/fast_exp.hpp"

namespace attnbench {

void online_softmax_update(SoftmaxState state, float* scores, std::int64_t rows, std::int64_t cols,
                           std::uint16_t* probabilities) {
  constexpr float kMinusInfinity = -std::numeric_limits<float>::infinity();
  for (std::int64_t r = 0; r < rows; ++r) {
    float* s = scores + r * cols;
    float chunk_max = kMinusInfinity;
#pragma omp simd reduction(max : chunk_max)
    for (std::int64_t c = 0; c < cols; ++c) chunk_max = s[c] > chunk_max ? s[c] : chunk_max;
    const float old_max = state.max[r];
    const float new_max = chunk_max > old_max ? chunk_max : old_max;
    std::uint16_t* p = probabilities == nullptr ? nullptr : probabilities + r * cols;
    if (new_max == kMinusInfinity) {  // nothing allowed yet: contribute nothing
#pragma omp simd
      for (std::int64_t c = 0; c < cols; ++c) s[c] = 0.0f;
      if (p != nullptr) std::fill(p, p + cols, std::uint16_t{0});
      continue;
    }
    float chunk_sum = 0.0f;
    if (p == nullptr) {
      chunk_sum = exp_row(s, cols, new_max);
    } else {
      // The sum is taken over the bf16 probabilities the second GEMM multiplies, so that the
      // normaliser matches the numerator.
#pragma omp simd reduction(+ : chunk_sum)
      for (std::int64_t c = 0; c < cols; ++c) {
        p[c] = to_bf16(fast_exp(s[c] - new_max));
        chunk_sum += from_bf16(p[c]);
      }
    }
    if (new_max != old_max) {
      const float alpha = fast_exp(old_max - new_max);
      float* acc = state.acc + r * state.head_dim;
#pragma omp simd
      for (std::int64_t c = 0; c < state.head_dim; ++c) acc[c] *= alpha;
      state.sum[r] *= alpha;
      state.max[r] = new_max;
    }
    state.sum[r] += chunk_sum;
  }
}

void online_softmax_finish(SoftmaxState state, std::int64_t rows, std::uint16_t* out) {
  for (std::int64_t r = 0; r < rows; ++r) {
    const float inverse = state.sum[r] > 0.0f ? 1.0f / state.sum[r] : 0.0f;
    const float* acc = state.acc + r * state.head_dim;
    std::uint16_t* o = out + r * state.head_dim;
#pragma omp simd
    for (std::int64_t c = 0; c < state.head_dim; ++c) o[c] = to_bf16(acc[c] * inverse);
  }
}

void online_softmax_finish(SoftmaxState state, std::int64_t rows, float* out) {
  for (std::int64_t r = 0; r < rows; ++r) {
    const float inverse = state.sum[r] > 0.0f ? 1.0f / state.sum[r] : 0.0f;
    const float* acc = state.acc + r * state.head_dim;
    float* o = out + r * state.head_dim;
#pragma omp simd
    for (std::int64_t c = 0; c < state.head_dim; ++c) o[c] = acc[c] * inverse;
  }
}

void online_softmax_lse(SoftmaxState state, std::int64_t rows, float* lse) {
  for (std::int64_t r = 0; r < rows; ++r) {
    lse[r] = state.sum[r] > 0.0f ? state.max[r] + std::log(state.sum[r])
                                 : -std::numeric_limits<float>::infinity();
  }
}

}  // namespace attnbench
