// The machine's GEMM rate as attnbench's yardstick: a 2048^3 oneDNN f32 matmul on `threads`
// threads, GFLOP/s of each of `repetitions` runs after one warm-up.
#pragma once

#include <vector>

namespace attnbench {

std::vector<double> gemm_gflops_samples(int threads, int repetitions);

}  // namespace attnbench
