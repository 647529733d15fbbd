#include "exec/backward_steps.hpp"

#include <algorithm>
#include <limits>

#include "exec/exp_row.hpp"

namespace attnbench {

void probabilities_from_lse(float* scores, const float* lse, std::int64_t rows, std::int64_t cols) {
  constexpr float kMinusInfinity = -std::numeric_limits<float>::infinity();
  for (std::int64_t r = 0; r < rows; ++r) {
    float* s = scores + r * cols;
    const float shift = lse[r];
    if (shift == kMinusInfinity) {
      std::fill(s, s + cols, 0.0f);
      continue;
    }
    exp_row(s, cols, shift);
  }
}

void score_gradients(float* dp, const float* p, const float* delta, std::int64_t rows,
                     std::int64_t cols) {
  for (std::int64_t r = 0; r < rows; ++r) {
    float* g = dp + r * cols;
    const float* pr = p + r * cols;
    const float dr = delta[r];
#pragma omp simd
    for (std::int64_t c = 0; c < cols; ++c) g[c] = pr[c] * (g[c] - dr);
  }
}

void row_dots(const float* d_out, const float* out, std::int64_t rows, std::int64_t d,
              float* delta) {
#pragma omp parallel for schedule(static)
  for (std::int64_t r = 0; r < rows; ++r) {
    const float* a = d_out + r * d;
    const float* b = out + r * d;
    float sum = 0.0f;
#pragma omp simd reduction(+ : sum)
    for (std::int64_t c = 0; c < d; ++c) sum += a[c] * b[c];
    delta[r] = sum;
  }
}

}  // namespace attnbench
