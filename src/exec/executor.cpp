#include "exec/executor.hpp"

#include <stdexcept>

#include "core/check.hpp"
#include "exec/dense.hpp"
#include "exec/gradients.hpp"
#include "exec/sparse.hpp"

namespace attnbench {

std::size_t workspace_bytes(ExecutorKind executor, const Problem& p, const LayoutShape& shape) {
  const std::size_t gradients = p.gradients() ? gradient_bytes(executor, p, shape) : 0;
  return gradients + forward_workspace_bytes(executor, p, shape);
}

std::size_t forward_workspace_bytes(ExecutorKind executor, const Problem& p,
                                    const LayoutShape& shape) {
  switch (executor) {
    case ExecutorKind::kDense: {
      // f32 scores; for bf16 also the probabilities converted for the second GEMM.
      const Index per_score = p.dtype == DataType::kBf16 ? 4 + 2 : 4;
      return static_cast<std::size_t>(per_score * p.batch * p.heads * p.q_len * p.kv_len);
    }
    case ExecutorKind::kSparse: {
      // Per thread: the scores of one chunk, the running max and sum, the accumulator (f32),
      // and for bf16 the chunk's probabilities in bf16.
      const Index keys = std::max(kMaxChunkKeys, shape.block_kv);
      const Index per_thread = 4 * shape.block_q * (keys + 2 + p.head_dim) +
                               (p.dtype == DataType::kBf16 ? 2 * shape.block_q * keys : 0);
      return static_cast<std::size_t>(per_thread * p.threads);
    }
    case ExecutorKind::kReference:
      // Per thread, a row's scores (double) and two masks (the pattern's, full attention's).
      return static_cast<std::size_t>((8 + 2) * p.kv_len * p.threads);
  }
  ATTNBENCH_CHECK(false && "an ExecutorKind without a workspace");
  return 0;
}

std::unique_ptr<Executor> make_executor(ExecutorKind executor, const Problem& problem,
                                        const BlockLayout& layout) {
  if (problem.gradients()) {
    return std::make_unique<GradientPass>(make_differentiable(executor, problem, layout), problem);
  }
  switch (executor) {
    case ExecutorKind::kDense: return std::make_unique<DenseExecutor>(problem, layout);
    case ExecutorKind::kSparse: return std::make_unique<SparseExecutor>(problem, layout);
    case ExecutorKind::kReference: break;  // never timed: reference.hpp computes it directly
  }
  ATTNBENCH_CHECK(false && "an ExecutorKind without an executor");
  return nullptr;
}

}  // namespace attnbench
