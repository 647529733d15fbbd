// The dense executor: what most research code does. One oneDNN matmul for all of Q K^T, the
// mask written into the n x n scores, oneDNN softmax, one matmul with V. Memory O(n^2); it
// shows what a pattern costs when it saves nothing. In bf16, Q, K, V and O are bf16, the scores
// and softmax f32, and the probabilities are converted to bf16 for the second GEMM.
#include "exec/dense.hpp"

#include <cmath>
#include <cstring>
#include <limits>

#include "core/layout_stats.hpp"

namespace attnbench {

namespace {

constexpr float kMinusInfinity = -std::numeric_limits<float>::infinity();

// Sets to -inf every score of one row that the layout does not allow.
void mask_row(const BlockLayout& layout, int head, Index row, float* scores) {
  const LayoutShape& shape = layout.shape;
  const Index q_tile = row / shape.block_q;
  const Index r = row % shape.block_q;
  Index next = 0;  // first column not yet handled
  for (const LayoutTile& tile : layout.row(head, q_tile)) {
    const Index begin = tile.kv_tile * shape.block_kv;
    std::fill(scores + next, scores + begin, kMinusInfinity);
    const Index cols = layout.kv_tile_cols(tile.kv_tile);
    if (tile.kind == TileKind::kPartial) {
      const std::uint8_t* bits = layout.mask(tile) + r * shape.block_kv;
      for (Index c = 0; c < cols; ++c) {
        if (!bits[c]) scores[begin + c] = kMinusInfinity;
      }
    }
    next = begin + cols;
  }
  std::fill(scores + next, scores + shape.kv_len, kMinusInfinity);
}

}  // namespace

DenseExecutor::DenseExecutor(const Problem& problem, const BlockLayout& layout)
    : problem_(problem),
      layout_(layout),
      engine_(dnnl::engine::kind::cpu, 0),
      stream_(engine_),
      scores_(static_cast<std::size_t>(problem.batch * problem.heads * problem.q_len *
                                       problem.kv_len)) {
  const Index b = problem.batch, kvh = problem.kv_heads, g = problem.group();
  const Index n = problem.q_len, m = problem.kv_len, d = problem.head_dim;
  // Heads are [kv_heads, group]: a 5-D matmul broadcasts each K/V head over its group.
  const DataType t = problem.dtype;
  const memory::dims qo_strides = {kvh * g * n * d, g * n * d, n * d, d, 1};
  const memory::dims s_strides = {kvh * g * n * m, g * n * m, n * m, m, 1};
  const memory::desc q_md = typed_desc(t, {b, kvh, g, n, d}, qo_strides);
  const memory::desc kt_md = typed_desc(t, {b, kvh, 1, d, m}, {kvh * m * d, m * d, m * d, 1, d});
  const memory::desc s_md = f32_desc({b, kvh, g, n, m}, s_strides);
  const memory::desc p_md = typed_desc(t, {b, kvh, g, n, m}, s_strides);
  const memory::desc v_md = typed_desc(t, {b, kvh, 1, m, d}, {kvh * m * d, m * d, m * d, d, 1});
  const memory::desc o_md = typed_desc(t, {b, kvh, g, n, d}, qo_strides);
  const float scale = 1.0f / std::sqrt(static_cast<float>(d));
  const auto qk = matmul_desc(engine_, q_md, kt_md, s_md, scale, false);
  const auto pv = matmul_desc(engine_, p_md, v_md, o_md, 1.0f, false);
  if (t == DataType::kBf16) probabilities_.resize(scores_.size());
  const memory::desc rows_md = f32_desc({b * kvh * g * n, m}, {m, 1});
  const dnnl::softmax_forward::primitive_desc softmax(
      dnnl::softmax_forward::desc(dnnl::prop_kind::forward_inference, rows_md, 1), engine_);
  qk_ = dnnl::matmul(qk);
  pv_ = dnnl::matmul(pv);
  softmax_ = dnnl::softmax_forward(softmax);
  impl_ = impl_name(qk) + "+" + impl_name(softmax) + "+" + impl_name(pv);
  q_md_ = q_md, kt_md_ = kt_md, s_md_ = s_md, p_md_ = p_md, v_md_ = v_md, o_md_ = o_md,
  rows_md_ = rows_md;
  for (int h = 0; h < layout.layout_heads; ++h) {
    std::vector<Index> empty;
    const std::vector<Index> counts = row_key_counts(layout, h);
    for (Index r = 0; r < n; ++r) {
      if (counts[static_cast<std::size_t>(r)] == 0) empty.push_back(r);
    }
    empty_rows_.push_back(std::move(empty));
  }
}

void DenseExecutor::run(const Tensors& in, void* out) {
  auto wrap = [&](const memory::desc& md, const void* data) {
    return memory(md, engine_, const_cast<void*>(data));
  };
  const InputData data = input_data(in, problem_.dtype);
  memory q = wrap(q_md_, data.q), kt = wrap(kt_md_, data.k);
  memory s = wrap(s_md_, scores_.data()), rows = wrap(rows_md_, scores_.data());
  memory v = wrap(v_md_, data.v), o = wrap(o_md_, out);
  memory p = probabilities_.empty() ? s : wrap(p_md_, probabilities_.data());
  qk_.execute(stream_, {{DNNL_ARG_SRC, q}, {DNNL_ARG_WEIGHTS, kt}, {DNNL_ARG_DST, s}});
  apply_mask();
  softmax_.execute(stream_, {{DNNL_ARG_SRC, rows}, {DNNL_ARG_DST, rows}});
  zero_empty_rows();
  if (!probabilities_.empty()) convert_probabilities();
  pv_.execute(stream_, {{DNNL_ARG_SRC, p}, {DNNL_ARG_WEIGHTS, v}, {DNNL_ARG_DST, o}});
  stream_.wait();
}

void DenseExecutor::convert_probabilities() {
  const std::size_t count = scores_.size();
#pragma omp parallel for simd schedule(static)
  for (std::size_t i = 0; i < count; ++i) probabilities_[i] = to_bf16(scores_[i]);
}

void DenseExecutor::apply_mask() {
  const Index heads = problem_.batch * problem_.heads;
  const Index n = problem_.q_len, m = problem_.kv_len;
#pragma omp parallel for schedule(static)
  for (Index row = 0; row < heads * n; ++row) {
    const int head = static_cast<int>((row / n) % problem_.heads);
    mask_row(layout_, layout_.layout_head(head), row % n, scores_.data() + row * m);
  }
}

// A row with no allowed key softmaxes to NaN; its probabilities become zeros, so its output is 0.
void DenseExecutor::zero_empty_rows() {
  const Index n = problem_.q_len, m = problem_.kv_len;
  for (Index bh = 0; bh < problem_.batch * problem_.heads; ++bh) {
    const int head = layout_.layout_head(static_cast<int>(bh % problem_.heads));
    for (Index r : empty_rows_[static_cast<std::size_t>(head)]) {
      std::memset(scores_.data() + (bh * n + r) * m, 0, static_cast<std::size_t>(m) * 4);
    }
  }
}

}  // namespace attnbench
