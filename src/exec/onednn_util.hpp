// Small helpers around oneDNN 2.6 (the 2.x `desc` API): memory descriptors by dims and strides,
// and the implementation name of a primitive. Only exec/ includes oneDNN.
#pragma once

#include <oneapi/dnnl/dnnl.hpp>

#include <string>

#include "core/case_key.hpp"

namespace attnbench {

using dnnl::memory;

inline memory::desc f32_desc(const memory::dims& dims, const memory::dims& strides) {
  return memory::desc(dims, memory::data_type::f32, strides);
}

// A descriptor in the problem's dtype (Q, K, V, O and the probabilities the second GEMM reads).
inline memory::desc typed_desc(DataType dtype, const memory::dims& dims,
                               const memory::dims& strides) {
  const auto type = dtype == DataType::kBf16 ? memory::data_type::bf16 : memory::data_type::f32;
  return memory::desc(dims, type, strides);
}

// A matmul primitive descriptor; `scale` multiplies the product, `accumulate` adds it to dst.
inline dnnl::matmul::primitive_desc matmul_desc(const dnnl::engine& engine, const memory::desc& src,
                                                const memory::desc& weights,
                                                const memory::desc& dst, float scale,
                                                bool accumulate) {
  dnnl::primitive_attr attr;
  if (scale != 1.0f) attr.set_output_scales(0, {scale});
  if (accumulate) {
    dnnl::post_ops ops;
    ops.append_sum(1.0f);
    attr.set_post_ops(ops);
  }
  return dnnl::matmul::primitive_desc(dnnl::matmul::desc(src, weights, dst), attr, engine);
}

inline std::string impl_name(const dnnl::primitive_desc_base& pd) { return pd.impl_info_str(); }

}  // namespace attnbench
