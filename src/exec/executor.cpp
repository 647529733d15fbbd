#include "exec/executor.hpp"

#include <stdexcept>

#include "exec/dense.hpp"
#include "exec/sparse.hpp"

namespace attnbench {

std::size_t workspace_bytes(const std::string& executor, const Problem& p,
                            const LayoutShape& shape) {
  if (executor == "dense") {
    return static_cast<std::size_t>(4 * p.batch * p.heads * p.q_len * p.kv_len);
  }
  // Per thread: the scores of one chunk, the running max and sum, the accumulator.
  const Index per_thread =
      shape.block_q * (std::max(kMaxChunkKeys, shape.block_kv) + 2 + p.head_dim);
  return static_cast<std::size_t>(4 * per_thread * p.threads);
}

std::unique_ptr<Executor> make_executor(const std::string& name, const Problem& problem,
                                        const BlockLayout& layout) {
  if (name == "dense") return std::make_unique<DenseExecutor>(problem, layout);
  if (name == "sparse") return std::make_unique<SparseExecutor>(problem, layout);
  throw std::invalid_argument("unknown executor: " + name);
}

}  // namespace attnbench
