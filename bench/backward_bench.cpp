// Micro-benchmarks of the backward pass's tile steps (issue 16), one thread: the element-wise
// steps between the GEMMs (P from the log-sum-exp, dS = P o (dP - D)), each of the five GEMMs of
// one chunk at the shapes the sparse backward uses (64 or 512 query rows against a 64-key tile,
// head_dim 64), and one key tile's whole column of a full-attention head. Run:
//   build/release/bench/attnbench_bench --benchmark_filter=Backward --benchmark_repetitions=5
#include <benchmark/benchmark.h>
#include <omp.h>

#include <random>

#include "core/layout.hpp"
#include "core/registry.hpp"
#include "exec/backward_steps.hpp"
#include "exec/gradients.hpp"
#include "exec/sparse_backward.hpp"

namespace attnbench {
namespace {

std::vector<float> uniform(std::size_t count, float low, float high) {
  std::mt19937 gen(1);
  std::uniform_real_distribution<float> dist(low, high);
  std::vector<float> values(count);
  for (float& v : values) v = dist(gen);
  return values;
}

void BM_BackwardProbabilities(benchmark::State& state) {
  const std::int64_t rows = state.range(0), cols = 64;
  const std::vector<float> source = uniform(static_cast<std::size_t>(rows * cols), -4, 4);
  const std::vector<float> lse = uniform(static_cast<std::size_t>(rows), 4, 6);
  std::vector<float> scores(source.size());
  for (auto _ : state) {
    scores = source;
    probabilities_from_lse(scores.data(), lse.data(), rows, cols);
    benchmark::DoNotOptimize(scores.data());
  }
  state.SetItemsProcessed(state.iterations() * rows * cols);
}
BENCHMARK(BM_BackwardProbabilities)->Arg(64)->Arg(512);

void BM_BackwardScoreGradients(benchmark::State& state) {
  const std::int64_t rows = state.range(0), cols = 64;
  const std::vector<float> p = uniform(static_cast<std::size_t>(rows * cols), 0, 0.1f);
  const std::vector<float> source = uniform(p.size(), -1, 1);
  const std::vector<float> delta = uniform(static_cast<std::size_t>(rows), -1, 1);
  std::vector<float> dp(source.size());
  for (auto _ : state) {
    dp = source;
    score_gradients(dp.data(), p.data(), delta.data(), rows, cols);
    benchmark::DoNotOptimize(dp.data());
  }
  state.SetItemsProcessed(state.iterations() * rows * cols);
}
BENCHMARK(BM_BackwardScoreGradients)->Arg(64)->Arg(512);

// One of the chunk's GEMMs: 0 S = Q K^T, 1 dP = dO V^T, 2 dV += P^T dO, 3 dK += dS^T Q,
// 4 dQ += dS K; range(1) query rows against 64 keys, head_dim 64.
void BM_BackwardGemm(benchmark::State& state) {
  const Index rows = state.range(1), cols = 64, d = 64;
  omp_set_num_threads(1);
  dnnl::engine engine(dnnl::engine::kind::cpu, 0);
  dnnl::stream stream(engine);
  BackwardKernels k = make_backward_kernels(engine, rows, cols, d);
  std::vector<float> a = uniform(static_cast<std::size_t>(rows * std::max(cols, d)), -1, 1);
  std::vector<float> b = uniform(a.size(), -1, 1), c(a.size(), 0.0f);
  struct Step {
    dnnl::matmul* gemm;
    memory *a, *b, *c;
  };
  const Step steps[] = {{&k.qk, &k.q, &k.kt, &k.s},
                        {&k.dov, &k.dout, &k.vt, &k.dp},
                        {&k.dv, &k.pt, &k.dout_w, &k.dv_acc},
                        {&k.dk, &k.dst, &k.q_w, &k.dk_acc},
                        {&k.dq, &k.ds, &k.k, &k.dq_acc}};
  const Step& step = steps[state.range(0)];
  step.a->set_data_handle(a.data()), step.b->set_data_handle(b.data());
  step.c->set_data_handle(c.data());
  for (auto _ : state) {
    step.gemm->execute(
        stream, {{DNNL_ARG_SRC, *step.a}, {DNNL_ARG_WEIGHTS, *step.b}, {DNNL_ARG_DST, *step.c}});
    stream.wait();
  }
  state.counters["GFLOPs"] = benchmark::Counter(
      static_cast<double>(2 * rows * cols * d) * static_cast<double>(state.iterations()) * 1e-9,
      benchmark::Counter::kIsRate);
  state.SetLabel(k.impl);
}
BENCHMARK(BM_BackwardGemm)->ArgsProduct({{0, 1, 2, 3, 4}, {64, 512}});

// The sparse backward of one full-attention head of n queries and keys on one thread: every
// key tile's column, the dQ reduction and D = rowsum(dO o O) included.
void BM_BackwardFullHead(benchmark::State& state) {
  const Index n = state.range(0);
  omp_set_num_threads(1);
  const PatternInfo& info = *find_pattern("dense");
  const ParamValues values = resolve_params(info, {});
  const auto p = info.make(make_geometry(n, n, 1, values), values);
  BlockLayout layout = build_layout(*p, {n, n, 64, 64}, 1);
  add_transpose(layout);
  const Problem problem{1, 1, 1, n, n, 64, 1, DataType::kF32, Pass::kBackward};
  const Tensors in = random_inputs(problem, 1);
  std::vector<float> out(problem.q_elements());
  auto executor = make_executor(ExecutorKind::kSparse, problem, layout);
  executor->prepare(in, out.data());
  for (auto _ : state) executor->run(in, out.data());
  state.counters["useful_GFLOPs"] =
      benchmark::Counter(10.0 * 64 * static_cast<double>(n) * static_cast<double>(n) * 1e-9 *
                             static_cast<double>(state.iterations()),
                         benchmark::Counter::kIsRate);
}
BENCHMARK(BM_BackwardFullHead)->Arg(1024)->Arg(2048)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace attnbench
