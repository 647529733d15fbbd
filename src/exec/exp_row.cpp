#include "exec/exp_row.hpp"

#include "exec/fast_exp.hpp"

#if defined(__AVX512F__)
#include <immintrin.h>
#endif

namespace attnbench {

float exp_row_portable(float* s, std::int64_t cols, float shift) {
  float sum = 0.0f;
#pragma omp simd reduction(+ : sum)
  for (std::int64_t c = 0; c < cols; ++c) {
    s[c] = fast_exp(s[c] - shift);
    sum += s[c];
  }
  return sum;
}

#if defined(__AVX512F__)

namespace {

// fast_exp's Cephes polynomial on 16 lanes. Lanes below -87.3 (-inf included) are zeroed by
// the scalef's mask; the comparison is unordered-true so that NaN stays NaN. Above 88.3 the
// input is clamped as fast_exp clamps it (min with the constant first: a NaN lane stays NaN).
__m512 exp16(__m512 unclamped) {
  // The zero-masked forms over all lanes: GCC 12's unmasked intrinsics start from an
  // "undefined" vector that -Wuninitialized flags.
  constexpr auto kAll = static_cast<__mmask16>(0xffff);
  const __m512 x = _mm512_maskz_min_ps(kAll, _mm512_set1_ps(88.3f), unclamped);
  const __m512 n =
      _mm512_maskz_roundscale_ps(kAll, _mm512_mul_ps(x, _mm512_set1_ps(1.44269504088896341f)),
                                 _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
  __m512 f = _mm512_fnmadd_ps(n, _mm512_set1_ps(0.693359375f), x);
  f = _mm512_fnmadd_ps(n, _mm512_set1_ps(-2.12194440e-4f), f);
  __m512 p = _mm512_set1_ps(1.9875691500e-4f);
  p = _mm512_fmadd_ps(p, f, _mm512_set1_ps(1.3981999507e-3f));
  p = _mm512_fmadd_ps(p, f, _mm512_set1_ps(8.3334519073e-3f));
  p = _mm512_fmadd_ps(p, f, _mm512_set1_ps(4.1665795894e-2f));
  p = _mm512_fmadd_ps(p, f, _mm512_set1_ps(1.6666665459e-1f));
  p = _mm512_fmadd_ps(p, f, _mm512_set1_ps(5.0000001201e-1f));
  const __m512 e = _mm512_add_ps(_mm512_fmadd_ps(p, _mm512_mul_ps(f, f), f), _mm512_set1_ps(1.0f));
  const __mmask16 kept = _mm512_cmp_ps_mask(x, _mm512_set1_ps(-87.3f), _CMP_NLT_UQ);
  return _mm512_maskz_scalef_ps(kept, e, n);
}

}  // namespace

float exp_row(float* s, std::int64_t cols, float shift) {
  const __m512 shift16 = _mm512_set1_ps(shift);
  __m512 sum = _mm512_setzero_ps();
  std::int64_t c = 0;
  for (; c + 16 <= cols; c += 16) {
    const __m512 p = exp16(_mm512_sub_ps(_mm512_loadu_ps(s + c), shift16));
    _mm512_storeu_ps(s + c, p);
    sum = _mm512_add_ps(sum, p);
  }
  if (c < cols) {
    const auto tail = static_cast<__mmask16>((1u << (cols - c)) - 1u);
    const __m512 p = exp16(_mm512_sub_ps(_mm512_maskz_loadu_ps(tail, s + c), shift16));
    _mm512_mask_storeu_ps(s + c, tail, p);
    sum = _mm512_mask_add_ps(sum, tail, sum, p);
  }
  alignas(64) float lanes[16];
  _mm512_store_ps(lanes, sum);
  float total = 0.0f;
  for (const float lane : lanes) total += lane;
  return total;
}

#else

float exp_row(float* s, std::int64_t cols, float shift) { return exp_row_portable(s, cols, shift); }

#endif

}  // namespace attnbench
