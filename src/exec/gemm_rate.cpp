#include "exec/gemm_rate.hpp"

#include <omp.h>

#include <algorithm>
#include <chrono>
#include <vector>

#include "exec/dtype.hpp"
#include "exec/onednn_util.hpp"

namespace attnbench {

std::vector<double> gemm_gflops_samples(int threads, int repetitions, DataType dtype) {
  constexpr dnnl::memory::dim kSize = 2048;
  omp_set_num_threads(threads);
  dnnl::engine engine(dnnl::engine::kind::cpu, 0);
  dnnl::stream stream(engine);
  const memory::desc in_md = typed_desc(dtype, {kSize, kSize}, {kSize, 1});
  const memory::desc out_md = f32_desc({kSize, kSize}, {kSize, 1});
  const auto pd = matmul_desc(engine, in_md, in_md, out_md, 1.0f, false);
  const dnnl::matmul gemm(pd);
  // Room for f32 operands; bf16 ones use half of it .
  std::vector<float> a(kSize * kSize, 0.5f), b(kSize * kSize, 0.25f), c(kSize * kSize);
  if (dtype == DataType::kBf16) {
    std::fill_n(reinterpret_cast<std::uint16_t*>(a.data()), kSize * kSize, to_bf16(0.5f));
    std::fill_n(reinterpret_cast<std::uint16_t*>(b.data()), kSize * kSize, to_bf16(0.25f));
  }
  memory ma(in_md, engine, a.data()), mb(in_md, engine, b.data()), mc(out_md, engine, c.data());
  std::vector<double> rates;
  for (int i = 0; i <= repetitions; ++i) {
    const auto start = std::chrono::steady_clock::now();
    gemm.execute(stream, {{DNNL_ARG_SRC, ma}, {DNNL_ARG_WEIGHTS, mb}, {DNNL_ARG_DST, mc}});
    stream.wait();
    const std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - start;
    if (i > 0) rates.push_back(2.0 * kSize * kSize * kSize / elapsed.count() * 1e-9);
  }
  return rates;
}

}  // namespace attnbench
