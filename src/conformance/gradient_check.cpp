// The conformance check of the backward pass: both executors' dQ, dK and dV against the
// double-precision reference on every row and key, in f32.
#include <fmt/format.h>

#include <cmath>

#include "conformance/checks.hpp"
#include "core/layout.hpp"
#include "exec/gradients.hpp"
#include "exec/reference_backward.hpp"

namespace attnbench::conformance {

namespace {

// The worst element of one gradient: max |g - g_ref| over max |g_ref| (the criterion),
// and where the largest difference is (slice = head or key head, row = query or key).
struct Worst {
  double max_abs = 0, max_ref = 0;
  std::size_t at = 0;
  double relative() const { return max_ref > 0 ? max_abs / max_ref : max_abs; }
};

Worst worst_of(const std::vector<float>& got, const std::vector<double>& ref) {
  Worst w;
  for (std::size_t i = 0; i < ref.size(); ++i) {
    const double error = std::isfinite(got[i]) ? std::abs(got[i] - ref[i]) : INFINITY;
    if (!(error <= w.max_abs)) w.max_abs = error, w.at = i;
    w.max_ref = std::max(w.max_ref, std::abs(ref[i]));
  }
  return w;
}

}  // namespace

Verdict check_executor_gradients(const PatternInstance& inst) {
  constexpr double kTolerance = 1e-4;
  const Pattern& p = *inst.pattern;
  const Geometry& g = p.geometry();
  const Problem problem{1, g.heads, 2, g.q_len, g.kv_len, 32, 2, DataType::kF32, Pass::kTrain};
  const Tensors in = random_inputs(problem, 13);
  BlockLayout layout = build_layout(p, {g.q_len, g.kv_len, 16, 24}, 2);
  add_transpose(layout);
  const ReferenceGradients ref =
      reference_gradients(p, problem, in, GradientSample{g.q_len, g.kv_len, 0});
  for (const ExecutorKind executor : kAllExecutors) {
    std::vector<float> out(problem.q_elements(), NAN);
    const std::unique_ptr<Executor> run = make_executor(executor, problem, layout);
    run->prepare(in, out.data());
    run->run(in, out.data());
    const Gradients& grads = *run->gradients();
    const std::pair<const char*, Worst> worst[] = {{"dQ", worst_of(grads.dq, ref.dq)},
                                                   {"dK", worst_of(grads.dk, ref.dk)},
                                                   {"dV", worst_of(grads.dv, ref.dv)}};
    for (const auto& [name, w] : worst) {
      if (w.relative() <= kTolerance) continue;
      const bool query = name[1] == 'Q';
      const Index rows = query ? g.q_len : g.kv_len;
      const auto row = static_cast<Index>(w.at) / problem.head_dim;
      return Verdict{true,
                     fmt::format("{}: {} executor, {} of {} {} {} {}: max |g - g_ref| / "
                                 "max |g_ref| = {:.3g} (largest difference {:.3g}; "
                                 "tolerance {:.0e})",
                                 inst.label, to_string(executor), name, query ? "head" : "key head",
                                 row / rows, query ? "query row" : "key", row % rows, w.relative(),
                                 w.max_abs, kTolerance)};
    }
  }
  return {};
}

}  // namespace attnbench::conformance
