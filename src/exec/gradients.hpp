// The backward pass (issue 16): dQ, dK, dV of O = softmax(Q K^T / sqrt(d) + mask) V for a given
// dO, of the executed Q, K, V (content-dependent masks keep their forward decisions). A
// Differentiable is a forward that keeps what its backward needs (the sparse executor one
// log-sum-exp per query row, the dense one the n x n probabilities) and that backward. f32 only.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "exec/executor.hpp"

namespace attnbench {

// f32, in the layouts of Q (dq) and K, V (dk, dv). A key head's dK and dV sum over its group.
struct Gradients {
  std::vector<float> dq, dk, dv;
};

class Differentiable {
 public:
  virtual ~Differentiable() = default;
  // O [batch, heads, q_len, d], and the state the backward reads.
  virtual void forward(const Tensors& inputs, float* out) = 0;
  // Needs the last forward's state and its O; reads inputs.d_out; overwrites the gradients.
  virtual void backward(const Tensors& inputs, const float* out, Gradients& grads) = 0;
  virtual std::string impl() const = 0;
};

// The sparse executor's needs the layout's transpose (add_transpose).
std::unique_ptr<Differentiable> make_differentiable(ExecutorKind executor, const Problem& problem,
                                                    const BlockLayout& layout);

// What the runner times for `pass: backward` (prepare: one forward; run: the backward) and
// `pass: train` (run: forward, then backward).
class GradientPass final : public Executor {
 public:
  GradientPass(std::unique_ptr<Differentiable> impl, const Problem& problem);
  void prepare(const Tensors& inputs, void* out) override;
  void run(const Tensors& inputs, void* out) override;
  std::string impl() const override { return impl_->impl(); }
  const Gradients* gradients() const override { return &grads_; }

 private:
  std::unique_ptr<Differentiable> impl_;
  Pass pass_;
  Gradients grads_;
};

// What the forward keeps for the backward (memory.saved_bytes): the log-sum-exp per query row
// (sparse) or the probabilities (dense).
std::size_t saved_bytes(ExecutorKind executor, const Problem& problem);

// A gradient pass's bytes beyond Q, K, V, O, the layout and the forward's workspace: dO, dQ, dK,
// dV, the saved state (when the forward workspace does not hold it) and the backward's buffers.
std::size_t gradient_bytes(ExecutorKind executor, const Problem& problem, const LayoutShape& shape);

}  // namespace attnbench
