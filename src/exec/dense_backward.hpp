// The dense executor's backward pass, the usual way: the forward (the dense executor) keeps the
// n x n probabilities P; the backward computes dV = P^T dO, dP = dO V^T, dS with oneDNN's softmax
// backward primitive (dS = P o (dP - rowsum(dP o P)), in place in dP), dQ = dS K / sqrt(d) and
// dK = dS^T Q / sqrt(d), each one oneDNN matmul over all heads. Memory O(n^2) twice: P and dP.
#pragma once

#include <string>
#include <vector>

#include "exec/dense.hpp"
#include "exec/gradients.hpp"

namespace attnbench {

class DenseBackward final : public Differentiable {
 public:
  DenseBackward(const Problem& problem, const BlockLayout& layout);
  void forward(const Tensors& inputs, float* out) override;
  void backward(const Tensors& inputs, const float* out, Gradients& grads) override;
  std::string impl() const override { return impl_; }

 private:
  Problem problem_;
  DenseExecutor forward_;
  dnnl::engine engine_;
  dnnl::stream stream_;
  std::vector<float> dp_;  // dP, then dS in place
  dnnl::matmul dv_, dp_gemm_, dq_, dk_;
  dnnl::softmax_backward softmax_;
  memory::desc p_t_md_, grouped_md_, kv_md_, rows_md_, p_md_, qo_md_, vt_md_, k_md_;
  std::string impl_;
};

}  // namespace attnbench
