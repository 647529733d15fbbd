// The machine's GEMM rate as attnbench's yardstick: a 2048^3 oneDNN f32 matmul on `threads`
// threads, median GFLOP/s over `repetitions` after one warm-up.
#pragma once

namespace attnbench {

double measure_gemm_gflops(int threads, int repetitions);

}  // namespace attnbench
