#include "exec/sparse_backward.hpp"

#include <omp.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <set>
#include <stdexcept>

#include "core/index.hpp"
#include "exec/backward_steps.hpp"

namespace attnbench {

BackwardKernels make_backward_kernels(const dnnl::engine& engine, Index rows, Index cols, Index d) {
  const memory::desc rd = f32_desc({rows, d}, {d, 1});        // Q, dO, dQ rows
  const memory::desc dt = f32_desc({d, cols}, {1, d});        // K^T, V^T: rows of K, V
  const memory::desc rc = f32_desc({rows, cols}, {cols, 1});  // S, P, dP, dS
  const memory::desc cr = f32_desc({cols, rows}, {1, cols});  // P^T, dS^T: the same buffers
  const memory::desc cd = f32_desc({cols, d}, {d, 1});        // K rows, dK, dV
  const float scale = 1.0f / std::sqrt(static_cast<float>(d));
  const auto qk = matmul_desc(engine, rd, dt, rc, scale, false);
  const auto dov = matmul_desc(engine, rd, dt, rc, 1.0f, false);
  const auto dv = matmul_desc(engine, cr, rd, cd, 1.0f, true);
  const auto dk = matmul_desc(engine, cr, rd, cd, scale, true);
  const auto dq = matmul_desc(engine, rc, cd, rd, scale, true);
  auto handle = [&](const memory::desc& md) { return memory(md, engine, DNNL_MEMORY_NONE); };
  std::set<std::string> names = {impl_name(qk), impl_name(dov), impl_name(dv), impl_name(dk),
                                 impl_name(dq)};
  std::string impl;
  for (const std::string& name : names) impl += (impl.empty() ? "" : "+") + name;
  return BackwardKernels{dnnl::matmul(qk), dnnl::matmul(dov), dnnl::matmul(dv),
                         dnnl::matmul(dk), dnnl::matmul(dq),  handle(rd),
                         handle(dt),       handle(rc),        handle(rd),
                         handle(dt),       handle(rc),        handle(cr),
                         handle(rd),       handle(cd),        handle(cr),
                         handle(rd),       handle(cd),        handle(rc),
                         handle(cd),       handle(rd),        impl};
}

struct SparseBackward::ThreadState {
  dnnl::stream stream;
  std::vector<BackwardKernels> kernels;  // indexed by QueryChunk::kernel
  std::vector<float> p, ds, dk, dv;      // a chunk's P and dP / dS; the task's dK and dV
};

// What one backward call reads and writes, as plain pointers.
struct SparseBackward::Io {
  const float *q, *k, *v, *d_out, *lse, *delta;
  float *dk, *dv;
  std::vector<float*> dq;  // per thread
};

SparseBackward::~SparseBackward() = default;

SparseBackward::SparseBackward(const Problem& problem, const BlockLayout& layout)
    : problem_(problem),
      layout_(layout),
      forward_(problem, layout),
      engine_(dnnl::engine::kind::cpu, 0) {
  if (problem.dtype != DataType::kF32) {
    throw std::invalid_argument("the backward pass runs in f32 only");
  }
  if (layout.transpose.empty()) {
    throw std::logic_error("the sparse backward pass needs the layout's transpose");
  }
  const auto rows = static_cast<std::size_t>(problem.batch * problem.heads * problem.q_len);
  lse_.resize(rows);
  delta_.resize(rows);
  for (int t = 1; t < problem.threads; ++t) dq_partial_.emplace_back(problem.q_elements());
  plan_chunks();
  plan_tasks();
  make_threads();
}

// Merges each key tile's adjacent visiting query tiles into chunks of at most kMaxChunkRows.
void SparseBackward::plan_chunks() {
  const Index columns = layout_.layout_heads * layout_.kv_tiles;
  const Index max_rows = std::max(kMaxChunkRows, layout_.shape.block_q);
  const std::vector<TransposedTile>& entries = layout_.transpose.entries;
  chunk_start_.assign(static_cast<std::size_t>(columns + 1), 0);
  for (Index column = 0; column < columns; ++column) {
    const std::int64_t begin = layout_.transpose.column_start[to_size(column)];
    const std::int64_t end = layout_.transpose.column_start[to_size(column + 1)];
    for (std::int64_t e = begin; e < end; ++e) {
      const TransposedTile& entry = entries[to_size(e)];
      const Index q_begin = entry.q_tile * layout_.shape.block_q;
      const Index rows = layout_.q_tile_rows(entry.q_tile);
      const bool starts_new = e == begin ||
                              chunks_.back().q_begin + chunks_.back().rows != q_begin ||
                              chunks_.back().rows + rows > max_rows;
      if (starts_new) chunks_.push_back(QueryChunk{q_begin, 0, e, 0, false, 0});
      QueryChunk& chunk = chunks_.back();
      chunk.rows += rows;
      chunk.count += 1;
      chunk.has_partial =
          chunk.has_partial || layout_.tiles[to_size(entry.tile)].kind == TileKind::kPartial;
    }
    chunk_start_[static_cast<std::size_t>(column + 1)] = static_cast<std::int64_t>(chunks_.size());
  }
}

void SparseBackward::plan_tasks() {
  const Index group = problem_.group();
  for (Index b = 0; b < problem_.batch; ++b) {
    for (Index kvh = 0; kvh < problem_.kv_heads; ++kvh) {
      for (Index kt = 0; kt < layout_.kv_tiles; ++kt) {
        Index cost = 1;
        for (Index h = kvh * group; h < (kvh + 1) * group; ++h) {
          const Index column = layout_.layout_head(static_cast<int>(h)) * layout_.kv_tiles + kt;
          for (std::int64_t c = chunk_start_[to_size(column)];
               c < chunk_start_[to_size(column + 1)]; ++c) {
            cost += chunks_[to_size(c)].rows;
          }
        }
        tasks_.push_back(Task{b, kvh, kt, cost * layout_.kv_tile_cols(kt)});
      }
    }
  }
  std::stable_sort(tasks_.begin(), tasks_.end(),
                   [](const Task& a, const Task& b) { return a.cost > b.cost; });
}

void SparseBackward::make_threads() {
  std::vector<std::pair<Index, Index>> shapes;
  for (Index column = 0; column < layout_.layout_heads * layout_.kv_tiles; ++column) {
    const Index cols = layout_.kv_tile_cols(column % layout_.kv_tiles);
    for (std::int64_t c = chunk_start_[to_size(column)]; c < chunk_start_[to_size(column + 1)];
         ++c) {
      shapes.emplace_back(chunks_[to_size(c)].rows, cols);
    }
  }
  std::sort(shapes.begin(), shapes.end());
  shapes.erase(std::unique(shapes.begin(), shapes.end()), shapes.end());
  for (Index column = 0; column < layout_.layout_heads * layout_.kv_tiles; ++column) {
    const Index cols = layout_.kv_tile_cols(column % layout_.kv_tiles);
    for (std::int64_t c = chunk_start_[to_size(column)]; c < chunk_start_[to_size(column + 1)];
         ++c) {
      QueryChunk& chunk = chunks_[to_size(c)];
      const std::pair<Index, Index> shape{chunk.rows, cols};
      chunk.kernel = static_cast<std::int32_t>(
          std::lower_bound(shapes.begin(), shapes.end(), shape) - shapes.begin());
    }
  }
  const Index d = problem_.head_dim;
  const Index max_rows = std::max(kMaxChunkRows, layout_.shape.block_q);
  const auto chunk_size = static_cast<std::size_t>(max_rows * layout_.shape.block_kv);
  const auto tile_size = static_cast<std::size_t>(layout_.shape.block_kv * d);
  std::set<std::string> impls = {forward_.impl()};
  for (int t = 0; t < problem_.threads; ++t) {
    auto state = std::make_unique<ThreadState>();
    state->stream = dnnl::stream(engine_);
    for (const auto& [rows, cols] : shapes) {
      state->kernels.push_back(make_backward_kernels(engine_, rows, cols, d));
      impls.insert(state->kernels.back().impl);
    }
    state->p.resize(chunk_size);
    state->ds.resize(chunk_size);
    state->dk.resize(tile_size);
    state->dv.resize(tile_size);
    threads_.push_back(std::move(state));
  }
  for (const std::string& name : impls) impl_ += (impl_.empty() ? "" : ",") + name;
}

void SparseBackward::forward(const Tensors& inputs, float* out) {
  forward_.run_saving(inputs, out, lse_.data());
}

void SparseBackward::apply_masks(const QueryChunk& chunk, Index cols, float* scores) const {
  constexpr float kMinusInfinity = -std::numeric_limits<float>::infinity();
  const Index block_kv = layout_.shape.block_kv;
  for (std::int32_t i = 0; i < chunk.count; ++i) {
    const TransposedTile& entry = layout_.transpose.entries[to_size(chunk.first + i)];
    const LayoutTile& tile = layout_.tiles[to_size(entry.tile)];
    if (tile.kind != TileKind::kPartial) continue;
    const Index row0 = entry.q_tile * layout_.shape.block_q - chunk.q_begin;
    for (Index r = 0; r < layout_.q_tile_rows(entry.q_tile); ++r) {
      const std::uint8_t* bits = layout_.mask(tile) + r * block_kv;
      float* s = scores + (row0 + r) * cols;
#pragma omp simd
      for (Index c = 0; c < cols; ++c) s[c] = bits[c] ? s[c] : kMinusInfinity;
    }
  }
}

// One chunk of query rows of (batch, head) against the task's key tile.
void SparseBackward::run_chunk(const QueryChunk& chunk, const ChunkAt& at, ThreadState& state,
                               const Io& io) const {
  const Index d = problem_.head_dim, cols = at.cols;
  BackwardKernels& kern = state.kernels[static_cast<std::size_t>(chunk.kernel)];
  auto in = [](const float* base) { return const_cast<float*>(base); };
  const std::size_t q_at = q_offset(problem_, at.batch, at.head) + to_size(chunk.q_begin * d);
  const std::size_t kv_at = kv_offset(problem_, at.batch, at.head) + to_size(at.k_begin * d);
  const std::size_t row_at = q_at / static_cast<std::size_t>(d);
  float* q = in(io.q + q_at);
  float* d_out = in(io.d_out + q_at);
  float* k = in(io.k + kv_at);
  float* p = state.p.data();
  float* ds = state.ds.data();
  const auto run = [&](dnnl::matmul& gemm, memory& a, void* a_data, memory& b, void* b_data,
                       memory& c, void* c_data) {
    a.set_data_handle(a_data), b.set_data_handle(b_data), c.set_data_handle(c_data);
    gemm.execute(state.stream, {{DNNL_ARG_SRC, a}, {DNNL_ARG_WEIGHTS, b}, {DNNL_ARG_DST, c}});
  };
  run(kern.qk, kern.q, q, kern.kt, k, kern.s, p);
  if (chunk.has_partial) apply_masks(chunk, cols, p);
  probabilities_from_lse(p, io.lse + row_at, chunk.rows, cols);
  run(kern.dov, kern.dout, d_out, kern.vt, in(io.v + kv_at), kern.dp, ds);
  run(kern.dv, kern.pt, p, kern.dout_w, d_out, kern.dv_acc, state.dv.data());
  score_gradients(ds, p, io.delta + row_at, chunk.rows, cols);
  run(kern.dk, kern.dst, ds, kern.q_w, q, kern.dk_acc, state.dk.data());
  run(kern.dq, kern.ds, ds, kern.k, k, kern.dq_acc,
      io.dq[static_cast<std::size_t>(omp_get_thread_num())] + q_at);
}

void SparseBackward::run_task(const Task& task, ThreadState& state, const Io& io) const {
  const Index d = problem_.head_dim, group = problem_.group();
  const Index cols = layout_.kv_tile_cols(task.kv_tile);
  const Index k_begin = task.kv_tile * layout_.shape.block_kv;
  std::fill_n(state.dk.begin(), cols * d, 0.0f);
  std::fill_n(state.dv.begin(), cols * d, 0.0f);
  for (Index h = task.kv_head * group; h < (task.kv_head + 1) * group; ++h) {
    const Index column = layout_.layout_head(static_cast<int>(h)) * layout_.kv_tiles + task.kv_tile;
    const ChunkAt at{task.batch, h, k_begin, cols};
    for (std::int64_t c = chunk_start_[to_size(column)]; c < chunk_start_[to_size(column + 1)];
         ++c) {
      run_chunk(chunks_[to_size(c)], at, state, io);
    }
  }
  const std::size_t kv_at = static_cast<std::size_t>(
      ((task.batch * problem_.kv_heads + task.kv_head) * problem_.kv_len + k_begin) * d);
  std::copy_n(state.dk.begin(), cols * d, io.dk + kv_at);
  std::copy_n(state.dv.begin(), cols * d, io.dv + kv_at);
}

void SparseBackward::backward(const Tensors& inputs, const float* out, Gradients& grads) {
  const auto rows = static_cast<std::int64_t>(delta_.size());
  const int threads = problem_.threads;
  row_dots(inputs.d_out.data(), out, rows, problem_.head_dim, delta_.data());
  Io io{inputs.q.data(), inputs.k.data(), inputs.v.data(), inputs.d_out.data(), lse_.data(),
        delta_.data(),   grads.dk.data(), grads.dv.data(), {grads.dq.data()}};
  for (std::vector<float>& partial : dq_partial_) io.dq.push_back(partial.data());
  const auto q_elements = static_cast<std::int64_t>(problem_.q_elements());
#pragma omp parallel for schedule(static) num_threads(threads)
  for (std::int64_t i = 0; i < q_elements; ++i) {
    for (float* dq : io.dq) dq[i] = 0.0f;
  }
  const auto count = static_cast<std::int64_t>(tasks_.size());
#pragma omp parallel for schedule(dynamic, 1) num_threads(threads)
  for (std::int64_t i = 0; i < count; ++i) {
    ThreadState& state = *threads_[static_cast<std::size_t>(omp_get_thread_num())];
    run_task(tasks_[static_cast<std::size_t>(i)], state, io);
  }
  // The threads' dQ copies, added into the result (thread 0's).
  if (dq_partial_.empty()) return;
#pragma omp parallel for schedule(static) num_threads(threads)
  for (std::int64_t i = 0; i < q_elements; ++i) {
    float sum = io.dq[0][i];
    for (std::size_t t = 1; t < io.dq.size(); ++t) sum += io.dq[t][i];
    io.dq[0][i] = sum;
  }
}

}  // namespace attnbench
