// The executors the harness measures. The set is closed, so it is a plain factory, not a
// registry. Construction does all preparation (primitives, buffers); run() is the timed region.
#pragma once

#include <memory>
#include <string>

#include "core/case_key.hpp"
#include "core/layout.hpp"
#include "exec/problem.hpp"

namespace attnbench {

struct Gradients;  // exec/gradients.hpp

class Executor {
 public:
  virtual ~Executor() = default;
  // Writes O [batch, heads, q_len, d] in the problem's dtype (f32 or bf16, q_elements() values);
  // rows with no allowed key get zeros. Reads the inputs in that dtype (input_data).
  virtual void run(const Tensors& inputs, void* out) = 0;
  // Untimed work before the timed runs, on the same buffers: the backward pass's forward.
  virtual void prepare(const Tensors& /*inputs*/, void* /*out*/) {}
  // dQ, dK, dV after run(), for a pass that computes them; nothing otherwise.
  virtual const Gradients* gradients() const { return nullptr; }
  // The oneDNN implementation(s) the executor dispatched to.
  virtual std::string impl() const = 0;
};

// Bytes the executor holds beyond Q, K, V, O and the layout (scores, tile buffers; for a
// gradient pass also dO, dQ, dK, dV, the saved state and the backward's buffers).
std::size_t workspace_bytes(ExecutorKind executor, const Problem& problem,
                            const LayoutShape& shape);

// The forward pass's part of it.
std::size_t forward_workspace_bytes(ExecutorKind executor, const Problem& problem,
                                    const LayoutShape& shape);

// For a problem whose pass computes gradients, a GradientPass (exec/gradients.hpp).
std::unique_ptr<Executor> make_executor(ExecutorKind executor, const Problem& problem,
                                        const BlockLayout& layout);

}  // namespace attnbench
