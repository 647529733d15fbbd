#include "exec/problem.hpp"

#include "core/splitmix.hpp"

namespace attnbench {

namespace {

void fill_uniform(std::vector<float>& values, std::size_t count, std::uint64_t stream) {
  values.resize(count);
  const auto n = static_cast<std::int64_t>(count);
#pragma omp parallel for schedule(static)
  for (std::int64_t i = 0; i < n; ++i) {
    const std::uint64_t bits = splitmix64(stream ^ splitmix64(static_cast<std::uint64_t>(i)));
    values[static_cast<std::size_t>(i)] = uniform_from_bits(bits);
  }
}

}  // namespace

Problem problem_of(const Case& c) {
  const CaseKey& k = c.key;
  return Problem{.batch = k.batch,
                 .heads = k.heads,
                 .kv_heads = k.kv_heads,
                 .q_len = c.q_len,
                 .kv_len = c.kv_len,
                 .head_dim = k.head_dim,
                 .threads = static_cast<int>(k.threads),
                 .dtype = k.dtype,
                 .pass = k.pass};
}

ContentInputs content_inputs(const Problem& p, const Tensors& t) {
  return ContentInputs{t.q.data(), t.k.data(), p.heads, p.kv_heads, p.q_len, p.kv_len, p.head_dim};
}

Tensors random_inputs(const Problem& problem, std::uint64_t seed) {
  Tensors t;
  fill_uniform(t.q, problem.q_elements(), splitmix64(seed * 3 + 0));
  fill_uniform(t.k, problem.kv_elements(), splitmix64(seed * 3 + 1));
  fill_uniform(t.v, problem.kv_elements(), splitmix64(seed * 3 + 2));
  round_inputs(t, problem.dtype);
  add_output_gradient(t, problem, seed);
  return t;
}

void add_output_gradient(Tensors& tensors, const Problem& problem, std::uint64_t seed) {
  if (!problem.gradients()) return;
  fill_uniform(tensors.d_out, problem.q_elements(), splitmix64(seed * 3 + 0x9d0));
}

}  // namespace attnbench
