#include "runner/gradient_check.hpp"

#include <fmt/format.h>

#include <cmath>

#include "exec/reference_backward.hpp"

namespace attnbench {

namespace {

// The largest error and reference magnitude of one gradient over its sampled rows: `slices`
// slices of `slice_rows` rows of `d` values each; `rows` are the sampled rows of every slice.
struct Comparison {
  double max_abs = 0, max_ref = 0;
  std::int64_t non_finite = 0;

  void add(double got, double expected) {
    if (!std::isfinite(got) || !std::isfinite(expected)) {
      non_finite += 1;
      max_abs = INFINITY;
      return;
    }
    max_abs = std::max(max_abs, std::abs(got - expected));
    max_ref = std::max(max_ref, std::abs(expected));
  }
  GradientError error() const { return {max_abs, max_ref > 0 ? max_abs / max_ref : max_abs}; }
};

Comparison compare(const std::vector<float>& got, const std::vector<double>& ref,
                   const std::vector<Index>& rows, const std::vector<Index>& slices,
                   Index slice_rows, Index d) {
  Comparison c;
  const auto per_slice = rows.size() * static_cast<std::size_t>(d);
  for (std::size_t s = 0; s < slices.size(); ++s) {
    for (std::size_t i = 0; i < rows.size(); ++i) {
      const auto at = static_cast<std::size_t>((slices[s] * slice_rows + rows[i]) * d);
      for (Index x = 0; x < d; ++x) {
        c.add(got[at + static_cast<std::size_t>(x)],
              ref[s * per_slice + i * static_cast<std::size_t>(d) + static_cast<std::size_t>(x)]);
      }
    }
  }
  return c;
}

std::vector<Index> all_of(Index count) {
  std::vector<Index> all(static_cast<std::size_t>(count));
  for (Index i = 0; i < count; ++i) all[static_cast<std::size_t>(i)] = i;
  return all;
}

}  // namespace

GradientAccuracy check_gradients(const Pattern& pattern, const Problem& p, const Tensors& in,
                                 const Gradients& grads, Index check_rows) {
  // dK and dV on two key heads at most: each needs the full softmax of every row that sees a
  // sampled key, n^2 pairs a head for full attention.
  const ReferenceGradients ref =
      reference_gradients(pattern, p, in, GradientSample{check_rows, check_rows, 2});
  const Index d = p.head_dim;
  const std::vector<Index> query_slices = all_of(p.batch * p.heads);
  const Comparison dq = compare(grads.dq, ref.dq, ref.rows, query_slices, p.q_len, d);
  const Comparison dk = compare(grads.dk, ref.dk, ref.keys, ref.key_slices, p.kv_len, d);
  const Comparison dv = compare(grads.dv, ref.dv, ref.keys, ref.key_slices, p.kv_len, d);
  GradientAccuracy a;
  a.dq = dq.error(), a.dk = dk.error(), a.dv = dv.error();
  a.keys_checked = static_cast<std::int64_t>(ref.keys.size() * ref.key_slices.size());
  a.non_finite = dq.non_finite + dk.non_finite + dv.non_finite;
  return a;
}

std::optional<std::string> gradient_failure(const GradientAccuracy& a) {
  if (a.non_finite > 0) {
    return fmt::format("{} non-finite gradient values in the reference or the executor",
                       a.non_finite);
  }
  const std::pair<const char*, GradientError> errors[] = {{"dq", a.dq}, {"dk", a.dk}, {"dv", a.dv}};
  for (const auto& [name, e] : errors) {
    if (!(e.max_rel_err <= a.tolerance)) {
      return fmt::format("{}: max |g - g_ref| / max |g_ref| = {:.3e} exceeds {:.0e}", name,
                         e.max_rel_err, a.tolerance);
    }
  }
  return std::nullopt;
}

}  // namespace attnbench
