// The sparse executor: tiled attention that visits only the layout's tiles. Runs of adjacent
// visited key tiles are merged into chunks of up to kMaxChunkKeys keys, so each GEMM is wide
// enough to run near the machine's rate; partial tiles get their element mask on the scores; an
// online softmax per query row means nothing of size q_len x kv_len ever exists. In bf16 both
// GEMMs read bf16 (Q, K; the probabilities, V) and write f32 (scores; the accumulator); the
// softmax runs in f32 and O is written in bf16.
#pragma once

#include <memory>
#include <utility>
#include <vector>

#include "exec/executor.hpp"
#include "exec/onednn_util.hpp"

namespace attnbench {

inline constexpr Index kMaxChunkKeys = 512;

// A run of adjacent visited key tiles of one query tile, executed as one pair of GEMMs.
struct Chunk {
  Index k_begin = 0;
  Index cols = 0;
  std::int64_t first_tile = 0;  // index into BlockLayout::tiles
  std::int32_t tile_count = 0;
  bool has_partial = false;
  std::int32_t kernel = 0;  // index of its (rows, cols) GEMM pair in each thread's kernels
};

class SparseExecutor final : public Executor {
 public:
  SparseExecutor(const Problem& problem, const BlockLayout& layout);
  ~SparseExecutor() override;
  void run(const Tensors& inputs, void* out) override;
  // The same, also writing each query row's log-sum-exp of its scaled scores ([batch, heads,
  // q_len]; -inf for a row with no key): all the backward pass needs besides O.
  void run_saving(const Tensors& inputs, void* out, float* lse);
  std::string impl() const override { return impl_; }

  struct ThreadState;

 private:
  struct Task {
    Index batch, head, q_tile, cost;
  };
  void plan_chunks();
  void plan_tasks();
  void run_task(const Task& task, ThreadState& state, const InputData& in, void* out,
                float* lse) const;
  void apply_masks(const Chunk& chunk, Index rows, float* scores) const;

  Problem problem_;
  const BlockLayout& layout_;
  dnnl::engine engine_;
  std::vector<std::int64_t> chunk_start_;  // per (layout head, q tile), into chunks_
  std::vector<Chunk> chunks_;
  std::vector<Task> tasks_;  // by key/value head, most expensive first within one
  std::vector<std::unique_ptr<ThreadState>> threads_;
  std::string impl_;
};

}  // namespace attnbench
