// The machine's own limits, measured rather than looked up: the FMA peak (independent FMA
// chains that stay in registers) and the DRAM read bandwidth (a read-only reduction over an
// array far larger than any cache). Each returns one figure per sample, so that the spread can
// be seen; the harness keeps the median.
#pragma once

#include <vector>

namespace attnbench {

// f32 GFLOP/s on `threads` threads, an FMA counting 2 FLOPs.
std::vector<double> fma_peak_gflops_samples(int threads, int samples);

// bf16 GFLOP/s on `threads` threads from AVX512_BF16 dot products (vdpbf16ps: 2 products and
// their sum per f32 lane, 4 FLOPs); no samples when the CPU lacks the instruction.
std::vector<double> bf16_dot_peak_gflops_samples(int threads, int samples);
bool cpu_has_bf16_dot();

// A canary: milliseconds of a fixed FMA workload (about 0.2 ms) on `threads` threads. Timed
// between the rounds of a case, it shows slowdowns that /proc/stat cannot: a neighbour on the
// same physical core, a lower clock. The reference is the fastest of 31 canaries, measured once
// per process and thread count.
double canary_ms(int threads);
double canary_reference_ms(int threads);

// GB/s reading `bytes` (at least 1 GiB is meant) on `threads` threads.
std::vector<double> dram_read_gbs_samples(int threads, int samples, std::size_t bytes);

}  // namespace attnbench
