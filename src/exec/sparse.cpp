#include "exec/sparse.hpp"

#include <omp.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <set>
#include <utility>

#include "core/index.hpp"
#include "exec/online_softmax.hpp"

namespace attnbench {

namespace {

// The two GEMMs of one (rows, cols) chunk shape with their memory objects, so that a call only
// swaps data handles. Fixed shapes: oneDNN dispatches runtime-dimension matmuls to a slower
// implementation.
struct ChunkKernels {
  dnnl::matmul qk, pv;
  memory q, kt, scores, probabilities, v, acc;
  std::string impl;
};

ChunkKernels make_kernels(const dnnl::engine& engine, Index rows, Index cols, Index d,
                          DataType dtype) {
  const memory::desc q_md = typed_desc(dtype, {rows, d}, {d, 1});
  const memory::desc kt_md = typed_desc(dtype, {d, cols}, {1, d});
  const memory::desc s_md = f32_desc({rows, cols}, {cols, 1});
  const memory::desc p_md = typed_desc(dtype, {rows, cols}, {cols, 1});
  const memory::desc v_md = typed_desc(dtype, {cols, d}, {d, 1});
  const memory::desc acc_md = f32_desc({rows, d}, {d, 1});
  const float scale = 1.0f / std::sqrt(static_cast<float>(d));
  const auto qk = matmul_desc(engine, q_md, kt_md, s_md, scale, false);
  const auto pv = matmul_desc(engine, p_md, v_md, acc_md, 1.0f, true);
  auto handle = [&](const memory::desc& md) { return memory(md, engine, DNNL_MEMORY_NONE); };
  return ChunkKernels{dnnl::matmul(qk), dnnl::matmul(pv), handle(q_md),
                      handle(kt_md),    handle(s_md),     handle(p_md),
                      handle(v_md),     handle(acc_md),   impl_name(qk) + "+" + impl_name(pv)};
}

}  // namespace

struct SparseExecutor::ThreadState {
  dnnl::stream stream;
  std::vector<ChunkKernels> kernels;  // one per distinct (rows, cols), indexed by Chunk::kernel
  std::vector<float> scores, max, sum, acc;
  std::vector<std::uint16_t> probabilities;  // bf16 only: the chunk's probabilities
};

SparseExecutor::~SparseExecutor() = default;

SparseExecutor::SparseExecutor(const Problem& problem, const BlockLayout& layout)
    : problem_(problem), layout_(layout), engine_(dnnl::engine::kind::cpu, 0) {
  plan_chunks();
  plan_tasks();
  // The distinct chunk shapes, and each chunk's index among them: looked up here, once, rather
  // than per chunk in the timed loop.
  std::vector<std::pair<Index, Index>> shapes;
  auto each_chunk = [&](auto visit) {
    for (Index row = 0; row < layout.layout_heads * layout.q_tiles; ++row) {
      for (std::int64_t c = chunk_start_[to_size(row)]; c < chunk_start_[to_size(row + 1)]; ++c) {
        visit(chunks_[to_size(c)],
              std::pair{layout.q_tile_rows(row % layout.q_tiles), chunks_[to_size(c)].cols});
      }
    }
  };
  each_chunk([&](const Chunk&, std::pair<Index, Index> shape) { shapes.push_back(shape); });
  std::sort(shapes.begin(), shapes.end());
  shapes.erase(std::unique(shapes.begin(), shapes.end()), shapes.end());
  each_chunk([&](Chunk& chunk, std::pair<Index, Index> shape) {
    chunk.kernel = static_cast<std::int32_t>(std::lower_bound(shapes.begin(), shapes.end(), shape) -
                                             shapes.begin());
  });
  const Index d = problem.head_dim, block_q = layout.shape.block_q;
  std::set<std::string> impls;
  for (int t = 0; t < problem.threads; ++t) {
    auto state = std::make_unique<ThreadState>();
    state->stream = dnnl::stream(engine_);
    for (const auto& [rows, cols] : shapes) {
      state->kernels.push_back(make_kernels(engine_, rows, cols, d, problem.dtype));
      impls.insert(state->kernels.back().impl);
    }
    state->scores.resize(static_cast<std::size_t>(block_q * kMaxChunkKeys));
    if (problem.dtype == DataType::kBf16) state->probabilities.resize(state->scores.size());
    state->max.resize(static_cast<std::size_t>(block_q));
    state->sum.resize(static_cast<std::size_t>(block_q));
    state->acc.resize(static_cast<std::size_t>(block_q * d));
    threads_.push_back(std::move(state));
  }
  for (const std::string& name : impls) impl_ += (impl_.empty() ? "" : ",") + name;
}

// Merges each query tile's adjacent visited key tiles into chunks of at most kMaxChunkKeys.
void SparseExecutor::plan_chunks() {
  const Index rows_total = layout_.layout_heads * layout_.q_tiles;
  const Index max_keys = std::max(kMaxChunkKeys, layout_.shape.block_kv);
  chunk_start_.assign(static_cast<std::size_t>(rows_total + 1), 0);
  for (Index row = 0; row < rows_total; ++row) {
    const std::int64_t begin = layout_.row_start[to_size(row)],
                       end = layout_.row_start[to_size(row + 1)];
    for (std::int64_t t = begin; t < end; ++t) {
      const LayoutTile& tile = layout_.tiles[to_size(t)];
      const Index k_begin = tile.kv_tile * layout_.shape.block_kv;
      const Index cols = layout_.kv_tile_cols(tile.kv_tile);
      const bool starts_new = t == begin ||
                              chunks_.back().k_begin + chunks_.back().cols != k_begin ||
                              chunks_.back().cols + cols > max_keys;
      if (starts_new) chunks_.push_back(Chunk{k_begin, 0, t, 0, false});
      Chunk& chunk = chunks_.back();
      chunk.cols += cols;
      chunk.tile_count += 1;
      chunk.has_partial = chunk.has_partial || tile.kind == TileKind::kPartial;
    }
    chunk_start_[static_cast<std::size_t>(row + 1)] = static_cast<std::int64_t>(chunks_.size());
  }
}

void SparseExecutor::plan_tasks() {
  for (Index b = 0; b < problem_.batch; ++b) {
    for (Index h = 0; h < problem_.heads; ++h) {
      for (Index qt = 0; qt < layout_.q_tiles; ++qt) {
        const Index row = layout_.layout_head(static_cast<int>(h)) * layout_.q_tiles + qt;
        Index cost = 1;
        for (std::int64_t c = chunk_start_[to_size(row)]; c < chunk_start_[to_size(row + 1)]; ++c) {
          cost += chunks_[to_size(c)].cols;
        }
        tasks_.push_back(Task{b, h, qt, cost * layout_.q_tile_rows(qt)});
      }
    }
  }
  // Key/value head by key/value head, most expensive query tile first within each. Every query
  // tile of a head reads that head's K and V (2 MiB at n = 4096, more than a core's L2): taken
  // together they stay in cache while the threads work through them. Ordered by cost alone,
  // consecutive tasks came from different heads and each fetched its K and V from further away:
  // causal attention at n = 4096 spent 16 % of its time in the GEMM's copy of K, and its latency
  // fell 16 % with this order (README, "Performance"). The heads go most expensive first and a
  // head's longest tasks start before its short ones, so the threads still finish together.
  const Index group = problem_.group();
  auto kv_head = [group](const Task& t) { return std::pair{t.batch, t.head / group}; };
  std::map<std::pair<Index, Index>, Index> head_cost;
  for (const Task& t : tasks_) head_cost[kv_head(t)] += t.cost;
  std::stable_sort(tasks_.begin(), tasks_.end(), [&](const Task& a, const Task& b) {
    const auto head_a = kv_head(a), head_b = kv_head(b);
    if (head_a == head_b) return a.cost > b.cost;
    const Index cost_a = head_cost[head_a], cost_b = head_cost[head_b];
    return cost_a != cost_b ? cost_a > cost_b : head_a < head_b;
  });
}

void SparseExecutor::apply_masks(const Chunk& chunk, Index rows, float* scores) const {
  constexpr float kMinusInfinity = -std::numeric_limits<float>::infinity();
  const Index block_kv = layout_.shape.block_kv;
  for (std::int32_t i = 0; i < chunk.tile_count; ++i) {
    const LayoutTile& tile = layout_.tiles[to_size(chunk.first_tile + i)];
    if (tile.kind != TileKind::kPartial) continue;
    const Index offset = tile.kv_tile * block_kv - chunk.k_begin;
    const Index cols = layout_.kv_tile_cols(tile.kv_tile);
    for (Index r = 0; r < rows; ++r) {
      const std::uint8_t* bits = layout_.mask(tile) + r * block_kv;
      float* s = scores + r * chunk.cols + offset;
#pragma omp simd
      for (Index c = 0; c < cols; ++c) s[c] = bits[c] ? s[c] : kMinusInfinity;
    }
  }
}

void SparseExecutor::run_task(const Task& task, ThreadState& state, const InputData& in, void* out,
                              float* lse) const {
  const Index d = problem_.head_dim;
  const Index rows = layout_.q_tile_rows(task.q_tile);
  const Index q_row0 = task.q_tile * layout_.shape.block_q;
  const std::size_t bytes = element_bytes(problem_.dtype);
  // Element `index` of a tensor in the problem's dtype.
  auto at = [bytes](const void* base, std::size_t index) {
    return static_cast<char*>(const_cast<void*>(base)) + index * bytes;
  };
  const std::size_t q_at = q_offset(problem_, task.batch, task.head) + to_size(q_row0 * d);
  const std::size_t kv_at = kv_offset(problem_, task.batch, task.head);
  std::fill_n(state.max.begin(), rows, -std::numeric_limits<float>::infinity());
  std::fill_n(state.sum.begin(), rows, 0.0f);
  std::fill_n(state.acc.begin(), rows * d, 0.0f);
  const SoftmaxState softmax{state.max.data(), state.sum.data(), state.acc.data(), d};
  const bool bf16 = problem_.dtype == DataType::kBf16;
  std::uint16_t* probabilities = bf16 ? state.probabilities.data() : nullptr;
  void* gemm_probabilities = bf16 ? static_cast<void*>(probabilities) : state.scores.data();
  const Index row =
      layout_.layout_head(static_cast<int>(task.head)) * layout_.q_tiles + task.q_tile;
  for (std::int64_t c = chunk_start_[to_size(row)]; c < chunk_start_[to_size(row + 1)]; ++c) {
    const Chunk& chunk = chunks_[to_size(c)];
    ChunkKernels& kern = state.kernels[static_cast<std::size_t>(chunk.kernel)];
    kern.q.set_data_handle(at(in.q, q_at));
    kern.kt.set_data_handle(at(in.k, kv_at + to_size(chunk.k_begin * d)));
    kern.scores.set_data_handle(state.scores.data());
    kern.qk.execute(
        state.stream,
        {{DNNL_ARG_SRC, kern.q}, {DNNL_ARG_WEIGHTS, kern.kt}, {DNNL_ARG_DST, kern.scores}});
    if (chunk.has_partial) apply_masks(chunk, rows, state.scores.data());
    online_softmax_update(softmax, state.scores.data(), rows, chunk.cols, probabilities);
    kern.probabilities.set_data_handle(gemm_probabilities);
    kern.v.set_data_handle(at(in.v, kv_at + to_size(chunk.k_begin * d)));
    kern.acc.set_data_handle(state.acc.data());
    kern.pv.execute(
        state.stream,
        {{DNNL_ARG_SRC, kern.probabilities}, {DNNL_ARG_WEIGHTS, kern.v}, {DNNL_ARG_DST, kern.acc}});
  }
  if (bf16) {
    online_softmax_finish(softmax, rows, reinterpret_cast<std::uint16_t*>(at(out, q_at)));
  } else {
    online_softmax_finish(softmax, rows, reinterpret_cast<float*>(at(out, q_at)));
  }
  if (lse != nullptr) online_softmax_lse(softmax, rows, lse + q_at / static_cast<std::size_t>(d));
}

void SparseExecutor::run(const Tensors& tensors, void* out) { run_saving(tensors, out, nullptr); }

void SparseExecutor::run_saving(const Tensors& tensors, void* out, float* lse) {
  const InputData in = input_data(tensors, problem_.dtype);
  const auto count = static_cast<std::int64_t>(tasks_.size());
#pragma omp parallel for schedule(dynamic, 1) num_threads(problem_.threads)
  for (std::int64_t i = 0; i < count; ++i) {
    ThreadState& state = *threads_[static_cast<std::size_t>(omp_get_thread_num())];
    run_task(tasks_[static_cast<std::size_t>(i)], state, in, out, lse);
  }
}

}  // namespace attnbench
