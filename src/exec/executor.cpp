#include "exec/executor.hpp"

#include <stdexcept>

#include "core/check.hpp"
#include "exec/dense.hpp"
#include "exec/sparse.hpp"

namespace attnbench {

std::size_t workspace_bytes(ExecutorKind executor, const Problem& p, const LayoutShape& shape) {
  switch (executor) {
    case ExecutorKind::kDense:
      return static_cast<std::size_t>(4 * p.batch * p.heads * p.q_len * p.kv_len);
    case ExecutorKind::kSparse: {
      // Per thread: the scores of one chunk, the running max and sum, the accumulator.
      const Index per_thread =
          shape.block_q * (std::max(kMaxChunkKeys, shape.block_kv) + 2 + p.head_dim);
      return static_cast<std::size_t>(4 * per_thread * p.threads);
    }
  }
  ATTNBENCH_CHECK(false && "an ExecutorKind without a workspace");
  return 0;
}

std::unique_ptr<Executor> make_executor(ExecutorKind executor, const Problem& problem,
                                        const BlockLayout& layout) {
  switch (executor) {
    case ExecutorKind::kDense: return std::make_unique<DenseExecutor>(problem, layout);
    case ExecutorKind::kSparse: return std::make_unique<SparseExecutor>(problem, layout);
  }
  ATTNBENCH_CHECK(false && "an ExecutorKind without an executor");
  return nullptr;
}

}  // namespace attnbench
