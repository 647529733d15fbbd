#include "measure/machine_probes.hpp"

#include <immintrin.h>
#include <omp.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <memory>
#include <mutex>

namespace attnbench {

namespace {

using Clock = std::chrono::steady_clock;

#if defined(__AVX512F__)
using Vec = __m512;
constexpr int kLanes = 16;
inline Vec splat(float x) { return _mm512_set1_ps(x); }
inline Vec fma(Vec a, Vec b, Vec c) { return _mm512_fmadd_ps(a, b, c); }
inline float lane0(Vec v) { return _mm512_cvtss_f32(v); }
#elif defined(__FMA__)
using Vec = __m256;
constexpr int kLanes = 8;
inline Vec splat(float x) { return _mm256_set1_ps(x); }
inline Vec fma(Vec a, Vec b, Vec c) { return _mm256_fmadd_ps(a, b, c); }
inline float lane0(Vec v) { return _mm256_cvtss_f32(v); }
#else
using Vec = float;
constexpr int kLanes = 1;
inline Vec splat(float x) { return x; }
inline Vec fma(Vec a, Vec b, Vec c) { return a * b + c; }
inline float lane0(Vec v) { return v; }
#endif

// Enough independent chains to cover two FMA units' latency.
constexpr int kChains = 12;

// FMAs per lane done by one thread; the result keeps the compiler from dropping the work.
float fma_chains(long iterations) {
  Vec acc[kChains];
  for (int c = 0; c < kChains; ++c) acc[c] = splat(1.0f + 1e-3f * static_cast<float>(c));
  const Vec a = splat(0.999999f), b = splat(1e-7f);
  for (long i = 0; i < iterations; ++i) {
    for (int c = 0; c < kChains; ++c) acc[c] = fma(acc[c], a, b);
  }
  float sum = 0;
  for (int c = 0; c < kChains; ++c) sum += lane0(acc[c]);
  return sum;
}

}  // namespace

std::vector<double> fma_peak_gflops_samples(int threads, int samples) {
  constexpr long kIterations = 20'000'000;  // ~50 ms a sample at 2-3 GHz
  std::vector<double> result;
  volatile float sink = 0;
  for (int s = 0; s <= samples; ++s) {  // the first one warms up the clocks
    const auto start = Clock::now();
    float total = 0;
#pragma omp parallel num_threads(threads) reduction(+ : total)
    total += fma_chains(kIterations);
    const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
    sink = sink + total;
    const double flops = 2.0 * kLanes * kChains * static_cast<double>(kIterations) * threads;
    if (s > 0) result.push_back(flops / seconds * 1e-9);
  }
  return result;
}

double canary_ms(int threads) {
  constexpr long kIterations = 80'000;
  static volatile float sink = 0;
  const auto start = Clock::now();
  float total = 0;
#pragma omp parallel num_threads(threads) reduction(+ : total)
  total += fma_chains(kIterations);
  sink = sink + total;
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

double canary_reference_ms(int threads) {
  static std::mutex mutex;
  static std::map<int, double> fastest;
  const std::lock_guard lock(mutex);
  auto [it, inserted] = fastest.try_emplace(threads, 0.0);
  if (inserted) {
    for (int warm = 0; warm < 100; ++warm) canary_ms(threads);  // 20 ms: the clocks settle
    double best = canary_ms(threads);
    for (int s = 1; s < 31; ++s) best = std::min(best, canary_ms(threads));
    it->second = best;
  }
  return it->second;
}

std::vector<double> dram_read_gbs_samples(int threads, int samples, std::size_t bytes) {
  const std::size_t n = bytes / sizeof(float);
  const std::unique_ptr<float[]> data(new float[n]);
#pragma omp parallel for num_threads(threads) schedule(static)
  for (std::size_t i = 0; i < n; ++i) data[i] = 1.0f;  // first touch, on the reading threads
  std::vector<double> result;
  volatile float sink = 0;
  for (int s = 0; s <= samples; ++s) {
    const auto start = Clock::now();
    float total = 0;
#pragma omp parallel for simd num_threads(threads) schedule(static) reduction(+ : total)
    for (std::size_t i = 0; i < n; ++i) total += data[i];
    const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
    sink = sink + total;
    if (s > 0) result.push_back(static_cast<double>(n * sizeof(float)) / seconds * 1e-9);
  }
  return result;
}

}  // namespace attnbench
