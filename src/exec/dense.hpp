#pragma once

#include <vector>

#include "exec/executor.hpp"
#include "exec/onednn_util.hpp"
#include "exec/uninitialized_vector.hpp"

namespace attnbench {

class DenseExecutor final : public Executor {
 public:
  DenseExecutor(const Problem& problem, const BlockLayout& layout);
  void run(const Tensors& inputs, void* out) override;
  std::string impl() const override { return impl_; }
  // After run(), in f32: the probabilities [batch, heads, q_len, kv_len] (the backward reads them).
  const UninitializedVector<float>& probabilities() const { return scores_; }

 private:
  void apply_mask();
  void zero_empty_rows();
  void convert_probabilities();

  Problem problem_;
  const BlockLayout& layout_;
  dnnl::engine engine_;
  dnnl::stream stream_;
  UninitializedVector<float> scores_;  // every element written by the first GEMM
  UninitializedVector<std::uint16_t>
      probabilities_;  // bf16: the softmaxed scores the second GEMM reads
  dnnl::matmul qk_, pv_;
  dnnl::softmax_forward softmax_;
  memory::desc q_md_, kt_md_, s_md_, p_md_, v_md_, o_md_, rows_md_;
  std::vector<std::vector<Index>> empty_rows_;  // per layout head
  std::string impl_;
};

}  // namespace attnbench
