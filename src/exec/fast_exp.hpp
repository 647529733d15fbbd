// A branch-free exp the compiler vectorises inside `omp simd` loops: a scalar std::exp call in
// the online softmax halves the executor's throughput. Cephes' expf polynomial after range
// reduction by ln 2 (about 2 ulp on the softmax's range); inputs below -87.3, -inf included,
// give exactly 0, which is what a masked score must contribute.
#pragma once

#include <bit>
#include <cmath>
#include <cstdint>

namespace attnbench {

// Ternaries rather than std::fmin/fmax: GCC keeps the library calls (for their NaN rules) and
// then cannot vectorise the loop.
inline float fast_exp(float x) {
  const float low = x < -87.3f ? -87.3f : x;
  const float clamped = low > 88.3f ? 88.3f : low;
  // Round to nearest by adding and removing 1.5 * 2^23: std::floor would not vectorise.
  const float n = (clamped * 1.44269504088896341f + 12582912.0f) - 12582912.0f;
  float f = clamped - n * 0.693359375f;
  f = f - n * -2.12194440e-4f;
  float p = 1.9875691500e-4f;
  p = p * f + 1.3981999507e-3f;
  p = p * f + 8.3334519073e-3f;
  p = p * f + 4.1665795894e-2f;
  p = p * f + 1.6666665459e-1f;
  p = p * f + 5.0000001201e-1f;
  const float e = p * f * f + f + 1.0f;
  const auto exponent = static_cast<std::int32_t>(n) + 127;
  const float result = e * std::bit_cast<float>(static_cast<std::uint32_t>(exponent) << 23);
  return x < -87.3f ? 0.0f : result;
}

}  // namespace attnbench
