// The inner loop of every softmax here: a row of scores becomes exp(score - shift), and their
// sum. It is a tenth of the sparse executor's time, so on AVX-512 it is written with intrinsics
// (half the instructions of what the compiler makes of fast_exp: `vscalefps` applies 2^n and
// `vroundscaleps` rounds); elsewhere it is fast_exp in an `omp simd` loop. Both are fast_exp's
// polynomial and clamps (their values agree within an ulp or two: the products are taken in a
// different order): within 2 ulp of exp, exactly 0 below -87.3 (a masked score), NaN for NaN.
#pragma once

#include <cstdint>

namespace attnbench {

// s[c] = exp(s[c] - shift) for c < cols; returns their sum.
float exp_row(float* s, std::int64_t cols, float shift);

// The same without intrinsics, whatever the ISA: what the tests compare exp_row with.
float exp_row_portable(float* s, std::int64_t cols, float shift);

}  // namespace attnbench
