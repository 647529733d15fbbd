// Floor 3 of issue 19 (causal window r = 256 at n = 16384: latency <= 1.1 x tile density x full
// attention's) in one query tile on one thread: the window's row (64 queries, 320 keys: three
// full tiles and two partial, one chunk) against full attention's rows of 320 and 16384 keys
// (chunks of 512). Time per key says what the window pays beyond its tile density. Run:
//   build/release/bench/attnbench_bench --benchmark_filter=OneQueryTile --benchmark_repetitions=5
#include <benchmark/benchmark.h>
#include <omp.h>

#include "core/layout.hpp"
#include "core/registry.hpp"
#include "exec/executor.hpp"
#include "query_tile.hpp"

namespace attnbench {
namespace {

// range(0): keys; range(1): 1 the causal window of radius 256 (bottom-right, so that the 64
// queries see the last 257 keys each), 0 full attention.
void BM_OneQueryTile(benchmark::State& state) {
  const Index keys = state.range(0);
  const bool window = state.range(1) == 1;
  const PatternInfo& info = *find_pattern(window ? "sliding_window" : "dense");
  const ParamValues values = window ? resolve_params(info, {{"radius", Index{256}},
                                                            {"causal", true},
                                                            {"align", std::string("bottom_right")}})
                                    : resolve_params(info, {});
  time_one_query_tile(state, info.name, values, keys);
  state.counters["ns_per_key"] =
      benchmark::Counter(static_cast<double>(keys) * static_cast<double>(state.iterations()),
                         benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
  state.SetLabel(window ? "causal window r=256 (2 partial tiles)" : "full attention");
}
BENCHMARK(BM_OneQueryTile)
    ->Args({320, 1})
    ->Args({320, 0})
    ->Args({16384, 0})
    ->Unit(benchmark::kMicrosecond);

// The whole executor at n = 16384 with 2 heads on 2 threads: the causal window of radius 256
// (range(0) = 1) and full attention (0); floor 3 compares their latencies through the tile
// density (the `tiles` counter).
void BM_Floor3Executor(benchmark::State& state) {
  const Index n = 16384;
  const bool window = state.range(0) == 1;
  omp_set_num_threads(2);
  const PatternInfo& info = *find_pattern(window ? "sliding_window" : "dense");
  const ParamValues values = window
                                 ? resolve_params(info, {{"radius", Index{256}}, {"causal", true}})
                                 : resolve_params(info, {});
  const auto p = info.make(make_geometry(n, n, 2, values), values);
  const BlockLayout layout = build_layout(*p, {n, n, 64, 64}, 2);
  const Problem problem{1, 2, 2, n, n, 64, 2};
  const Tensors in = random_inputs(problem, 1);
  std::vector<float> out(problem.q_elements());
  auto executor = make_executor(ExecutorKind::kSparse, problem, layout);
  for (auto _ : state) executor->run(in, out.data());
  state.counters["tiles"] = static_cast<double>(layout.tiles.size());
  state.SetLabel(window ? "causal window r=256" : "full attention");
}
BENCHMARK(BM_Floor3Executor)->Arg(1)->Arg(0)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
}  // namespace attnbench
