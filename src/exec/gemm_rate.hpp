// The machine's GEMM rate as attnbench's yardstick: a 2048^3 oneDNN matmul on `threads`
// threads, GFLOP/s of each of `repetitions` runs after one warm-up. In bf16 the operands are
// bf16 and the product f32, as in the executors' first GEMM.
#pragma once

#include <vector>

#include "core/case_key.hpp"

namespace attnbench {

std::vector<double> gemm_gflops_samples(int threads, int repetitions,
                                        DataType dtype = DataType::kF32);

}  // namespace attnbench
