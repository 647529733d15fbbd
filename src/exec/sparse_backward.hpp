// The sparse executor's backward pass, FlashAttention-2 style on a CPU. The forward (the sparse
// executor itself) saves one log-sum-exp per query row; the backward walks the layout's
// transpose: one task per (batch, key head, key tile), which owns that tile's dK and dV (summed
// over the head's query group) so no two threads write them. Within a task, runs of adjacent
// query tiles visiting the key tile are merged into chunks of up to kMaxChunkRows rows, and each
// chunk recomputes S = Q K^T, P = exp(S - lse), then dV += P^T dO, dP = dO V^T,
// dS = P o (dP - D), dK += dS^T Q / sqrt(d), dQ += dS K / sqrt(d): five oneDNN matmuls of fixed
// shapes, created before the timed region. dQ rows are shared by many key tiles, so each thread
// accumulates into its own dQ (thread 0 into the result) and the copies are added at the end.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "exec/gradients.hpp"
#include "exec/onednn_util.hpp"
#include "exec/sparse.hpp"

namespace attnbench {

inline constexpr Index kMaxChunkRows = 512;

// The five GEMMs of one (rows, cols) chunk shape, with their memory objects (handles swapped per
// call). Exposed for the micro-benchmarks.
struct BackwardKernels {
  dnnl::matmul qk, dov, dv, dk, dq;
  memory q, kt, s;            // S = Q K^T / sqrt(d)        (rows x cols)
  memory dout, vt, dp;        // dP = dO V^T                (rows x cols)
  memory pt, dout_w, dv_acc;  // dV += P^T dO               (cols x d)
  memory dst, q_w, dk_acc;    // dK += dS^T Q / sqrt(d)     (cols x d)
  memory ds, k, dq_acc;       // dQ += dS K / sqrt(d)       (rows x d)
  std::string impl;
};
BackwardKernels make_backward_kernels(const dnnl::engine& engine, Index rows, Index cols, Index d);

class SparseBackward final : public Differentiable {
 public:
  SparseBackward(const Problem& problem, const BlockLayout& layout);
  ~SparseBackward() override;
  void forward(const Tensors& inputs, float* out) override;
  void backward(const Tensors& inputs, const float* out, Gradients& grads) override;
  std::string impl() const override { return impl_; }

  struct ThreadState;
  struct Io;

 private:
  // A run of adjacent query tiles visiting one key tile: entries of the layout's transpose.
  struct QueryChunk {
    Index q_begin = 0;
    Index rows = 0;
    std::int64_t first = 0;  // into BlockLayout::transpose.entries
    std::int32_t count = 0;
    bool has_partial = false;
    std::int32_t kernel = 0;  // its (rows, cols) kernels in each thread's list
  };
  struct Task {
    Index batch, kv_head, kv_tile, cost;
  };
  struct ChunkAt {  // where a chunk's task is: its query head and key tile
    Index batch, head, k_begin, cols;
  };
  void plan_chunks();
  void plan_tasks();
  void make_threads();
  void run_task(const Task& task, ThreadState& state, const Io& io) const;
  void run_chunk(const QueryChunk& chunk, const ChunkAt& at, ThreadState& state,
                 const Io& io) const;
  void apply_masks(const QueryChunk& chunk, Index cols, float* scores) const;

  Problem problem_;
  const BlockLayout& layout_;
  SparseExecutor forward_;
  dnnl::engine engine_;
  std::vector<float> lse_, delta_;              // per query row [batch, heads, q_len]
  std::vector<std::vector<float>> dq_partial_;  // threads 1 .. T-1: their own dQ
  std::vector<std::int64_t> chunk_start_;       // per (layout head, key tile), into chunks_
  std::vector<QueryChunk> chunks_;
  std::vector<Task> tasks_;  // most expensive first
  std::vector<std::unique_ptr<ThreadState>> threads_;
  std::string impl_;
};

}  // namespace attnbench
