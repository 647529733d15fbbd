// The bf16 dot-product peak: independent chains of AVX512_BF16 vdpbf16ps (each does 16 lanes x 2
// products x 2 FLOPs = 64 FLOPs) that stay in registers, the bf16 counterpart of the f32 FMA
// chains in machine_probes.cpp. Compiled for the instruction with a target attribute and run
// only when the CPU has it, so that the build needs no -march flag; elsewhere there is no bf16
// peak to measure (oneDNN emulates bf16 there) and the probe returns no samples.
#include <immintrin.h>
#include <omp.h>

#include <chrono>

#include "measure/machine_probes.hpp"

namespace attnbench {

namespace {

constexpr int kChains = 12;
constexpr int kFlopsPerInstruction = 64;

__attribute__((target("avx512f,avx512bf16"))) float dot_chains(long iterations) {
  __m512 acc[kChains];
  for (int c = 0; c < kChains; ++c) acc[c] = _mm512_set1_ps(1.0f + 1e-3f * static_cast<float>(c));
  const __m512bh a = _mm512_cvtne2ps_pbh(_mm512_set1_ps(1e-3f), _mm512_set1_ps(1e-3f));
  const __m512bh b = _mm512_cvtne2ps_pbh(_mm512_set1_ps(1e-4f), _mm512_set1_ps(1e-4f));
  for (long i = 0; i < iterations; ++i) {
    for (int c = 0; c < kChains; ++c) acc[c] = _mm512_dpbf16_ps(acc[c], a, b);
  }
  float sum = 0;
  for (int c = 0; c < kChains; ++c) sum += _mm512_cvtss_f32(acc[c]);
  return sum;
}

}  // namespace

bool cpu_has_bf16_dot() { return __builtin_cpu_supports("avx512bf16"); }

std::vector<double> bf16_dot_peak_gflops_samples(int threads, int samples) {
  std::vector<double> result;
  if (!cpu_has_bf16_dot()) return result;
  constexpr long kIterations = 20'000'000;
  volatile float sink = 0;
  for (int s = 0; s <= samples; ++s) {  // the first one warms up the clocks
    const auto start = std::chrono::steady_clock::now();
    float total = 0;
#pragma omp parallel num_threads(threads) reduction(+ : total)
    total += dot_chains(kIterations);
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    sink = sink + total;
    const double flops =
        static_cast<double>(kFlopsPerInstruction) * kChains * static_cast<double>(kIterations);
    if (s > 0) result.push_back(flops * threads / seconds * 1e-9);
  }
  return result;
}

}  // namespace attnbench
