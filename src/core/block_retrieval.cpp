#include "core/block_retrieval.hpp"

#include <algorithm>
#include <utility>

namespace attnbench {

void BlockRetrieval::choose(const float* query, const float* keys, Index d, Index q,
                            std::int32_t* out) const {
  const Index blocks = candidates(q);
  std::vector<std::pair<float, Index>> scored;
  scored.reserve(static_cast<std::size_t>(blocks));
  for (Index b = 0; b < blocks; ++b) {
    const float* key = keys + scored_key(b) * d;
    // A vector reduction: decoding scores every landmark in its timed step, where a scalar
    // chain of d additions made the scoring 3-4x slower. Forward and decode call this one
    // function, so their choices agree to the bit whatever the order of the sum.
    float dot = 0;
#pragma omp simd reduction(+ : dot)
    for (Index c = 0; c < d; ++c) dot += query[c] * key[c];
    scored.emplace_back(dot, b);
  }
  const Index take = std::min<Index>(top_k, blocks);
  std::partial_sort(scored.begin(), scored.begin() + take, scored.end(),
                    [](const auto& a, const auto& b) {
                      return a.first > b.first || (a.first == b.first && a.second < b.second);
                    });
  for (Index i = 0; i < top_k; ++i) {
    out[i] = i < take ? static_cast<std::int32_t>(scored[static_cast<std::size_t>(i)].second) : -1;
  }
}

std::vector<KeyRange> BlockRetrieval::attended(Index q, const std::int32_t* chosen) const {
  std::vector<KeyRange> ranges{{local_begin(q), q + 1}};
  for (Index i = 0; i < top_k; ++i) {
    if (chosen[i] >= 0) ranges.push_back({chosen[i] * block, (chosen[i] + 1) * block});
  }
  return merge_ranges(std::move(ranges));
}

}  // namespace attnbench
