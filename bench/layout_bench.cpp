// The block layout's build (issue 19, floor 4: a causal window of radius 256 at 1,048,576 tokens,
// tiles 64x64, 2 threads, <= 20 ms), by build_layout's interval path and by the generic builder,
// which gives the same bytes (tests/layout_paths_test.cpp). In one process, so the two paths
// see the same machine state when interleaved with --benchmark_repetitions. Run:
//   build/release/bench/attnbench_bench --benchmark_filter=Layout --benchmark_repetitions=9
#include <benchmark/benchmark.h>
#include <omp.h>

#include "core/layout_bound.hpp"
#include "core/layout_build.hpp"
#include "core/layout_stats.hpp"
#include "core/registry.hpp"

namespace attnbench {
namespace {

// range(0): tokens; range(1): 1 the interval path (build_layout), 0 the generic builder.
void BM_CausalWindowLayout(benchmark::State& state) {
  const Index n = state.range(0);
  const int threads = 2;
  omp_set_num_threads(threads);
  const PatternInfo& info = *find_pattern("sliding_window");
  const ParamValues values = resolve_params(info, {{"radius", Index{256}}, {"causal", true}});
  const auto p = info.make(make_geometry(n, n, 1, values), values);
  const LayoutShape shape{n, n, 64, 64};
  std::size_t tiles = 0;
  for (auto _ : state) {
    BlockLayout layout;
    if (state.range(1) == 1) {
      layout = build_layout(*p, shape, threads);
    } else {
      layout = empty_layout(*p, shape);
      fill_layout_generic(*p, layout, threads);
    }
    tiles = layout.tiles.size();
    benchmark::DoNotOptimize(layout.masks.data());
  }
  state.counters["tiles"] = static_cast<double>(tiles);
  state.SetLabel(state.range(1) == 1 ? "interval path" : "generic");
}
BENCHMARK(BM_CausalWindowLayout)
    ->Args({1 << 20, 1})
    ->Args({1 << 20, 0})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

// What `run` and `density` do with that layout besides building it: the statistics pass (pairs,
// tiles, keys per row) and the causal-pairs test.
void BM_CausalWindowStats(benchmark::State& state) {
  const Index n = state.range(0);
  omp_set_num_threads(2);
  const PatternInfo& info = *find_pattern("sliding_window");
  const ParamValues values = resolve_params(info, {{"radius", Index{256}}, {"causal", true}});
  const auto p = info.make(make_geometry(n, n, 1, values), values);
  const BlockLayout layout = build_layout(*p, {n, n, 64, 64}, 2);
  for (auto _ : state) {
    const LayoutStats stats = compute_stats(layout, 1);
    benchmark::DoNotOptimize(stats.allowed_pairs());
    benchmark::DoNotOptimize(causal_pairs(layout, 1, 0));
  }
}
// The memory guard's walk of the candidate ranges that `run`, `mask` and `density` do before the
// build (layout_bound.cpp), and the sampled check of the layout after it (16 query tiles).
void BM_CausalWindowGuards(benchmark::State& state) {
  const Index n = state.range(0);
  const PatternInfo& info = *find_pattern("sliding_window");
  const ParamValues values = resolve_params(info, {{"radius", Index{256}}, {"causal", true}});
  const auto p = info.make(make_geometry(n, n, 1, values), values);
  const LayoutShape shape{n, n, 64, 64};
  const BlockLayout layout = build_layout(*p, shape, 2);
  for (auto _ : state) {
    benchmark::DoNotOptimize(bound_layout(*p, shape, std::int64_t{1} << 40).bytes);
    benchmark::DoNotOptimize(check_layout_sample(*p, layout, 16));
  }
}
BENCHMARK(BM_CausalWindowGuards)->Arg(1 << 20)->Unit(benchmark::kMillisecond)->UseRealTime();

BENCHMARK(BM_CausalWindowStats)->Arg(1 << 20)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
}  // namespace attnbench
