#include "exec/gradients.hpp"

#include <algorithm>

#include "core/check.hpp"
#include "exec/dense_backward.hpp"
#include "exec/sparse_backward.hpp"

namespace attnbench {

std::unique_ptr<Differentiable> make_differentiable(ExecutorKind executor, const Problem& problem,
                                                    const BlockLayout& layout) {
  switch (executor) {
    case ExecutorKind::kDense: return std::make_unique<DenseBackward>(problem, layout);
    case ExecutorKind::kSparse: return std::make_unique<SparseBackward>(problem, layout);
    case ExecutorKind::kReference: break;  // never timed: reference_backward.hpp computes it
  }
  ATTNBENCH_CHECK(false && "an ExecutorKind without a backward pass");
  return nullptr;
}

GradientPass::GradientPass(std::unique_ptr<Differentiable> impl, const Problem& problem)
    : impl_(std::move(impl)), pass_(problem.pass) {
  grads_.dq.resize(problem.q_elements());
  grads_.dk.resize(problem.kv_elements());
  grads_.dv.resize(problem.kv_elements());
}

void GradientPass::prepare(const Tensors& inputs, void* out) {
  if (pass_ == Pass::kBackward) impl_->forward(inputs, static_cast<float*>(out));
}

void GradientPass::run(const Tensors& inputs, void* out) {
  if (pass_ == Pass::kTrain) impl_->forward(inputs, static_cast<float*>(out));
  impl_->backward(inputs, static_cast<const float*>(out), grads_);
}

std::size_t saved_bytes(ExecutorKind executor, const Problem& p) {
  const auto rows = static_cast<std::size_t>(p.batch * p.heads * p.q_len);
  return executor == ExecutorKind::kDense ? 4 * rows * static_cast<std::size_t>(p.kv_len)
                                          : 4 * rows;
}

std::size_t gradient_bytes(ExecutorKind executor, const Problem& p, const LayoutShape& shape) {
  const std::size_t tensors = 4 * (2 * p.q_elements() + 2 * p.kv_elements());  // dO dQ dK dV
  const auto rows = static_cast<std::size_t>(p.batch * p.heads * p.q_len);
  if (executor == ExecutorKind::kDense) {
    return tensors + 4 * rows * static_cast<std::size_t>(p.kv_len);  // dP (P is the forward's)
  }
  // The log-sum-exp and D per row, the other threads' dQ copies, and per thread a chunk's P and
  // dS and a key tile's dK and dV accumulators.
  const Index chunk = std::max(kMaxChunkRows, shape.block_q) * shape.block_kv;
  const auto per_thread =
      static_cast<std::size_t>(4 * (2 * chunk + 2 * shape.block_kv * p.head_dim));
  return tensors + 2 * 4 * rows + static_cast<std::size_t>(p.threads - 1) * 4 * p.q_elements() +
         per_thread * static_cast<std::size_t>(p.threads);
}

}  // namespace attnbench
