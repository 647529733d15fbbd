#include "exec/dtype.hpp"

#include <oneapi/dnnl/dnnl.hpp>

#include "exec/problem.hpp"

namespace attnbench {

namespace {

void round_tensor(std::vector<float>& values, std::vector<std::uint16_t>& rounded) {
  rounded.resize(values.size());
  const auto n = static_cast<std::int64_t>(values.size());
#pragma omp parallel for schedule(static)
  for (std::int64_t i = 0; i < n; ++i) {
    const auto at = static_cast<std::size_t>(i);
    rounded[at] = to_bf16(values[at]);
    values[at] = from_bf16(rounded[at]);
  }
}

}  // namespace

void round_inputs(Tensors& t, DataType dtype) {
  if (dtype != DataType::kBf16) return;
  round_tensor(t.q, t.q_bf16);
  round_tensor(t.k, t.k_bf16);
  round_tensor(t.v, t.v_bf16);
}

double default_tolerance(DataType dtype, double max_reference) {
  switch (dtype) {
    case DataType::kF32: return 1e-4;
    case DataType::kBf16: return 1e-2 * max_reference;
  }
  return 1e-4;
}

bool bf16_available() {
  const auto isa = static_cast<unsigned>(dnnl_get_effective_cpu_isa());
  const auto core = static_cast<unsigned>(dnnl_cpu_isa_avx512_core);
  return (isa & core) == core;
}

bool native_bf16() {
  const auto isa = static_cast<unsigned>(dnnl_get_effective_cpu_isa());
  const auto bf16 = static_cast<unsigned>(dnnl_cpu_isa_avx512_core_bf16);
  return (isa & bf16) == bf16;
}

}  // namespace attnbench
