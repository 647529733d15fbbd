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
#include "exec/online_softmax.hpp"

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
  auto executor = make_executor(state.range(1) ? "sparse" : "dense", problem, layout);
  for (auto _ : state) executor->run(in, out.data());
  const double pairs = causal ? n * (n + 1) / 2.0 : double(n) * n;
  state.counters["useful_GFLOPs"] = benchmark::Counter(
      4.0 * 64 * 8 * pairs * 1e-9 * state.iterations(), benchmark::Counter::kIsRate);
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
