// Micro-benchmarks of the sparse executor's inner steps: the online softmax update, a whole
// query-tile row, and the full executor against the dense one on a causal pattern. Run:
//   build/release/bench/attnbench_bench --benchmark_repetitions=5
#include <benchmark/benchmark.h>
#include <omp.h>

#include <limits>
#include <random>

#include "core/layout.hpp"
#include "core/registry.hpp"
#include "exec/executor.hpp"
#include "exec/onednn_util.hpp"
#include "exec/online_softmax.hpp"
#include "query_tile.hpp"

namespace attnbench {
namespace {

void BM_OnlineSoftmaxUpdate(benchmark::State& state) {
  const std::int64_t rows = 64, cols = state.range(0), d = 64;
  std::vector<float> scores(static_cast<std::size_t>(rows * cols)), source(scores.size());
  std::mt19937 gen(1);
  std::uniform_real_distribution<float> dist(-4, 4);
  for (float& s : source) s = dist(gen);
  std::vector<float> max(rows, -std::numeric_limits<float>::infinity()), sum(rows), acc(rows * d);
  for (auto _ : state) {
    scores = source;
    online_softmax_update({max.data(), sum.data(), acc.data(), d}, scores.data(), rows, cols);
    benchmark::DoNotOptimize(scores.data());
  }
  state.SetItemsProcessed(state.iterations() * rows * cols);
}
BENCHMARK(BM_OnlineSoftmaxUpdate)->Arg(64)->Arg(512);

// One chunk's GEMMs as the sparse executor runs them: S = Q K^T (64 x cols, K = 64) with the
// 1/sqrt(d) scale, and acc += P V (64 x 64, K = cols) with the sum post-op.
void run_tile_gemm(benchmark::State& state, bool qk) {
  const Index rows = 64, cols = state.range(0), d = 64;
  dnnl::engine engine(dnnl::engine::kind::cpu, 0);
  dnnl::stream stream(engine);
  const memory::desc a_md = qk ? f32_desc({rows, d}, {d, 1}) : f32_desc({rows, cols}, {cols, 1});
  const memory::desc b_md = qk ? f32_desc({d, cols}, {1, d}) : f32_desc({cols, d}, {d, 1});
  const memory::desc c_md = qk ? f32_desc({rows, cols}, {cols, 1}) : f32_desc({rows, d}, {d, 1});
  const auto pd = matmul_desc(engine, a_md, b_md, c_md, qk ? 0.125f : 1.0f, !qk);
  const dnnl::matmul gemm(pd);
  std::vector<float> a(static_cast<std::size_t>(rows * std::max(cols, d)), 0.5f),
      b(a.size() * 8, 0.25f), c(a.size(), 0.0f);
  memory ma(a_md, engine, a.data()), mb(b_md, engine, b.data()), mc(c_md, engine, c.data());
  omp_set_num_threads(1);
  for (auto _ : state) {
    gemm.execute(stream, {{DNNL_ARG_SRC, ma}, {DNNL_ARG_WEIGHTS, mb}, {DNNL_ARG_DST, mc}});
    stream.wait();
  }
  state.counters["GFLOPs"] = benchmark::Counter(
      static_cast<double>(2 * rows * cols * d) * static_cast<double>(state.iterations()) * 1e-9,
      benchmark::Counter::kIsRate);
  state.SetLabel(impl_name(pd));
}
void BM_TileQkT(benchmark::State& state) { run_tile_gemm(state, true); }
void BM_TilePv(benchmark::State& state) { run_tile_gemm(state, false); }
BENCHMARK(BM_TileQkT)->Arg(64)->Arg(512);
BENCHMARK(BM_TilePv)->Arg(64)->Arg(512);

// One whole query-tile row on one thread: 64 queries against every key of `range(0)`.
void BM_QueryTileRow(benchmark::State& state) {
  const Index n = state.range(0);
  time_one_query_tile(state, "dense", resolve_params(*find_pattern("dense"), {}), n);
  state.counters["useful_GFLOPs"] = benchmark::Counter(
      4.0 * 64 * 64 * static_cast<double>(n) * 1e-9 * static_cast<double>(state.iterations()),
      benchmark::Counter::kIsRate);
}
BENCHMARK(BM_QueryTileRow)->Arg(4096)->Unit(benchmark::kMicrosecond);

// A whole executor run: pattern name, sequence length, executor (0 dense, 1 sparse), threads.
void run_executor(benchmark::State& state, const std::string& pattern, bool causal) {
  const Index n = state.range(0);
  const int threads = static_cast<int>(state.range(2));
  omp_set_num_threads(threads);
  const PatternInfo& info = *find_pattern(pattern);
  const ParamValues values = resolve_params(info, {{"causal", causal}});
  const auto p = info.make(make_geometry(n, n, 8, values), values);
  const BlockLayout layout = build_layout(*p, {n, n, 64, 64}, threads);
  const Problem problem{1, 8, 8, n, n, 64, threads};
  const Tensors in = random_inputs(problem, 1);
  std::vector<float> out(problem.q_elements());
  auto executor =
      make_executor(state.range(1) ? ExecutorKind::kSparse : ExecutorKind::kDense, problem, layout);
  for (auto _ : state) executor->run(in, out.data());
  const auto pairs = static_cast<double>(causal ? n * (n + 1) / 2 : n * n);  // n(n+1) is even
  state.counters["useful_GFLOPs"] =
      benchmark::Counter(4.0 * 64 * 8 * pairs * 1e-9 * static_cast<double>(state.iterations()),
                         benchmark::Counter::kIsRate);
}

void BM_FullAttention(benchmark::State& state) { run_executor(state, "dense", false); }
void BM_CausalAttention(benchmark::State& state) { run_executor(state, "dense", true); }
BENCHMARK(BM_FullAttention)
    ->Args({2048, 0, 2})
    ->Args({2048, 1, 2})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();
BENCHMARK(BM_CausalAttention)
    ->Args({2048, 0, 2})
    ->Args({2048, 1, 2})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

}  // namespace
}  // namespace attnbench

BENCHMARK_MAIN();
