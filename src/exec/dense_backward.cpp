#include "exec/dense_backward.hpp"

#include <cmath>
#include <stdexcept>

namespace attnbench {

DenseBackward::DenseBackward(const Problem& problem, const BlockLayout& layout)
    : problem_(problem),
      forward_(problem, layout),
      engine_(dnnl::engine::kind::cpu, 0),
      stream_(engine_),
      dp_(static_cast<std::size_t>(problem.batch * problem.heads * problem.q_len *
                                   problem.kv_len)) {
  if (problem.dtype != DataType::kF32) {
    throw std::invalid_argument("the backward pass runs in f32 only");
  }
  const Index b = problem.batch, kvh = problem.kv_heads, g = problem.group();
  const Index n = problem.q_len, m = problem.kv_len, d = problem.head_dim;
  // As in the forward, heads are [kv_heads, group]; K and V broadcast over the group. dK and dV
  // sum over it: for them a key head's group of query rows is one K dimension of g * n.
  p_md_ = f32_desc({b, kvh, g, n, m}, {kvh * g * n * m, g * n * m, n * m, m, 1});
  qo_md_ = f32_desc({b, kvh, g, n, d}, {kvh * g * n * d, g * n * d, n * d, d, 1});
  vt_md_ = f32_desc({b, kvh, 1, d, m}, {kvh * m * d, m * d, m * d, 1, d});
  k_md_ = f32_desc({b, kvh, 1, m, d}, {kvh * m * d, m * d, m * d, d, 1});
  p_t_md_ = f32_desc({b, kvh, m, g * n}, {kvh * g * n * m, g * n * m, 1, m});
  grouped_md_ = f32_desc({b, kvh, g * n, d}, {kvh * g * n * d, g * n * d, d, 1});
  kv_md_ = f32_desc({b, kvh, m, d}, {kvh * m * d, m * d, d, 1});
  rows_md_ = f32_desc({b * kvh * g * n, m}, {m, 1});
  const float scale = 1.0f / std::sqrt(static_cast<float>(d));
  const auto dv = matmul_desc(engine_, p_t_md_, grouped_md_, kv_md_, 1.0f, false);
  const auto dp = matmul_desc(engine_, qo_md_, vt_md_, p_md_, 1.0f, false);
  const auto dq = matmul_desc(engine_, p_md_, k_md_, qo_md_, scale, false);
  const auto dk = matmul_desc(engine_, p_t_md_, grouped_md_, kv_md_, scale, false);
  // The backward primitive wants its forward as a hint; that forward is never run.
  const dnnl::softmax_forward::primitive_desc hint(
      dnnl::softmax_forward::desc(dnnl::prop_kind::forward_training, rows_md_, 1), engine_);
  const dnnl::softmax_backward::primitive_desc softmax(
      dnnl::softmax_backward::desc(rows_md_, rows_md_, 1), engine_, hint);
  dv_ = dnnl::matmul(dv), dp_gemm_ = dnnl::matmul(dp), dq_ = dnnl::matmul(dq);
  dk_ = dnnl::matmul(dk);
  softmax_ = dnnl::softmax_backward(softmax);
  impl_ = forward_.impl() + "," + impl_name(dp) + "+" + impl_name(softmax) + "+" + impl_name(dq) +
          "+" + impl_name(dk) + "+" + impl_name(dv);
}

void DenseBackward::forward(const Tensors& inputs, float* out) { forward_.run(inputs, out); }

void DenseBackward::backward(const Tensors& in, const float* /*out*/, Gradients& grads) {
  auto wrap = [&](const memory::desc& md, const void* data) {
    return memory(md, engine_, const_cast<void*>(data));
  };
  const float* p = forward_.probabilities().data();
  memory p_t = wrap(p_t_md_, p), p_rows = wrap(rows_md_, p);
  memory ds = wrap(p_md_, dp_.data()), ds_t = wrap(p_t_md_, dp_.data());
  memory ds_rows = wrap(rows_md_, dp_.data());
  memory d_out = wrap(qo_md_, in.d_out.data()), d_out_grouped = wrap(grouped_md_, in.d_out.data());
  memory q_grouped = wrap(grouped_md_, in.q.data());
  memory vt = wrap(vt_md_, in.v.data()), k = wrap(k_md_, in.k.data());
  memory dq = wrap(qo_md_, grads.dq.data());
  memory dk = wrap(kv_md_, grads.dk.data()), dv = wrap(kv_md_, grads.dv.data());
  dv_.execute(stream_,
              {{DNNL_ARG_SRC, p_t}, {DNNL_ARG_WEIGHTS, d_out_grouped}, {DNNL_ARG_DST, dv}});
  dp_gemm_.execute(stream_, {{DNNL_ARG_SRC, d_out}, {DNNL_ARG_WEIGHTS, vt}, {DNNL_ARG_DST, ds}});
  softmax_.execute(
      stream_,
      {{DNNL_ARG_DST, p_rows}, {DNNL_ARG_DIFF_DST, ds_rows}, {DNNL_ARG_DIFF_SRC, ds_rows}});
  dq_.execute(stream_, {{DNNL_ARG_SRC, ds}, {DNNL_ARG_WEIGHTS, k}, {DNNL_ARG_DST, dq}});
  dk_.execute(stream_, {{DNNL_ARG_SRC, ds_t}, {DNNL_ARG_WEIGHTS, q_grouped}, {DNNL_ARG_DST, dk}});
  stream_.wait();
}

}  // namespace attnbench
