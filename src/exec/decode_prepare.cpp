// prepare_decode_pattern (decode_inputs.hpp): what a content-dependent pattern decides before a
// decode case is planned, from the inputs the decode generator makes.
#include <vector>

#include "core/composite.hpp"
#include "core/content_pattern.hpp"
#include "exec/decode_inputs.hpp"

namespace attnbench {

namespace {

// Batch item 0's rows [0, n) of a tensor's heads, [heads, n, d].
std::vector<float> whole(DecodeTensor tensor, Index heads, Index n, Index d, std::uint64_t seed) {
  std::vector<float> x(static_cast<std::size_t>(heads * n * d));
#pragma omp parallel for schedule(static)
  for (Index row = 0; row < heads * n; ++row) {
    decode_row(seed, tensor, 0, row / n, row % n, d, &x[static_cast<std::size_t>(row * d)]);
  }
  return x;
}

// Only the scored keys are generated: the choice reads nothing else, and a cache of 128K
// tokens would otherwise cost seconds of generation per key-value head.
void decide_steps(RetrievesBlocks& pattern, const BlockRetrieval& r, const DecodeShape& s, Index d,
                  std::uint64_t seed) {
  const Index n = s.final_length();
  std::vector<float> keys(static_cast<std::size_t>(n * d)), query(static_cast<std::size_t>(d));
  for (Index g = 0; g < s.kv_heads; ++g) {
    const Index blocks = r.candidates(n - 1);
#pragma omp parallel for schedule(static)
    for (Index b = 0; b < blocks; ++b) {
      const Index p = r.scored_key(b);
      decode_row(seed, DecodeTensor::kK, 0, g, p, d, &keys[static_cast<std::size_t>(p * d)]);
    }
    for (Index h = g * s.group(); h < (g + 1) * s.group(); ++h) {
      for (Index p = s.initial; p < n; ++p) {
        decode_row(seed, DecodeTensor::kQ, 0, h, p, d, query.data());
        pattern.decide_row(static_cast<int>(h), p, query.data(), keys.data(), d);
      }
    }
  }
}

}  // namespace

void prepare_decode_pattern(Pattern& pattern, const DecodeShape& shape, Index head_dim,
                            std::uint64_t seed) {
  if (auto* retrieves = dynamic_cast<RetrievesBlocks*>(&pattern)) {
    if (const std::optional<BlockRetrieval> r = retrieves->block_retrieval()) {
      decide_steps(*retrieves, *r, shape, head_dim, seed);
    }
    return;
  }
  auto* content = dynamic_cast<ContentPattern*>(&pattern);
  if (content == nullptr || composition_parts(pattern)) return;
  const Index n = shape.final_length();
  const std::vector<float> q = whole(DecodeTensor::kQ, shape.heads, n, head_dim, seed);
  const std::vector<float> k = whole(DecodeTensor::kK, shape.kv_heads, n, head_dim, seed);
  content->prepare(ContentInputs{q.data(), k.data(), shape.heads, shape.kv_heads, n, n, head_dim});
}

}  // namespace attnbench
