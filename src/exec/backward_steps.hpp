// The element-wise steps of the backward pass between its GEMMs (FlashAttention-2, Dao 2023,
// Algorithm 2): the probabilities recomputed from the forward's log-sum-exp, the scores'
// gradient dS = P o (dP - D), and D = rowsum(dO o O). Shared by the sparse executor and the
// micro-benchmarks.
#pragma once

#include <cstdint>

namespace attnbench {

// scores (rows x cols, row stride cols, already scaled and masked with -inf) become
// P = exp(score - lse[row]); a row whose lse is -inf (no key) becomes zeros.
void probabilities_from_lse(float* scores, const float* lse, std::int64_t rows, std::int64_t cols);

// dp (rows x cols) becomes dS = p o (dp - delta[row]).
void score_gradients(float* dp, const float* p, const float* delta, std::int64_t rows,
                     std::int64_t cols);

// delta[row] = sum over c of d_out[row, c] * out[row, c], for `rows` rows of `d` values.
void row_dots(const float* d_out, const float* out, std::int64_t rows, std::int64_t d,
              float* delta);

}  // namespace attnbench
