// One query tile (64 queries against `keys` keys) of a pattern on the sparse executor, one
// thread: what the row benchmarks of executor_bench.cpp and window_row_bench.cpp time.
#pragma once

#include <benchmark/benchmark.h>
#include <omp.h>

#include <string>
#include <vector>

#include "core/layout.hpp"
#include "core/registry.hpp"
#include "exec/executor.hpp"

namespace attnbench {

inline void time_one_query_tile(benchmark::State& state, const std::string& pattern,
                                const ParamValues& values, Index keys) {
  omp_set_num_threads(1);
  const PatternInfo& info = *find_pattern(pattern);
  const auto p = info.make(make_geometry(64, keys, 1, values), values);
  const BlockLayout layout = build_layout(*p, {64, keys, 64, 64}, 1);
  const Problem problem{1, 1, 1, 64, keys, 64, 1};
  const Tensors in = random_inputs(problem, 1);
  std::vector<float> out(problem.q_elements());
  auto executor = make_executor(ExecutorKind::kSparse, problem, layout);
  for (auto _ : state) executor->run(in, out.data());
}

}  // namespace attnbench
