#include "exec/decode_inputs.hpp"

#include "core/splitmix.hpp"

namespace attnbench {

namespace {

// Steps of `tokens` rows for every (batch item, head) of a tensor with `heads` heads.
std::vector<float> generate_steps(const DecodeShape& shape, Index batch, Index heads, Index d,
                                  std::uint64_t seed, DecodeTensor tensor) {
  const Index rows = shape.steps * batch * heads * shape.tokens;
  std::vector<float> out(static_cast<std::size_t>(rows * d));
#pragma omp parallel for schedule(static)
  for (Index i = 0; i < rows; ++i) {
    const Index row = i % shape.tokens, head = i / shape.tokens % heads;
    const Index b = i / (shape.tokens * heads) % batch, step = i / (shape.tokens * heads * batch);
    decode_row(seed, tensor, b, head, shape.step_begin(step) + row, d, out.data() + i * d);
  }
  return out;
}

}  // namespace

void decode_row(std::uint64_t seed, DecodeTensor tensor, Index batch, Index head, Index position,
                Index head_dim, float* out) {
  const std::uint64_t stream = splitmix64(seed * 3 + static_cast<std::uint64_t>(tensor));
  // Position below 2^30, batch and head below 2^12 each (the config's limits).
  const auto row = (static_cast<std::uint64_t>(batch) << 42) |
                   (static_cast<std::uint64_t>(head) << 30) | static_cast<std::uint64_t>(position);
  const std::uint64_t base = splitmix64(stream ^ row);
  for (Index c = 0; c < head_dim; ++c) {
    const std::uint64_t bits = splitmix64(base + static_cast<std::uint64_t>(c));
    out[c] = uniform_from_bits(bits);
  }
}

DecodeInputs::DecodeInputs(const DecodeShape& shape, Index batch, Index head_dim,
                           std::uint64_t seed)
    : shape_(shape),
      batch_(batch),
      head_dim_(head_dim),
      seed_(seed),
      q_step_(batch * shape.heads * shape.tokens * head_dim),
      kv_step_(batch * shape.kv_heads * shape.tokens * head_dim),
      q_(generate_steps(shape, batch, shape.heads, head_dim, seed, DecodeTensor::kQ)),
      k_(generate_steps(shape, batch, shape.kv_heads, head_dim, seed, DecodeTensor::kK)),
      v_(generate_steps(shape, batch, shape.kv_heads, head_dim, seed, DecodeTensor::kV)) {}

}  // namespace attnbench
