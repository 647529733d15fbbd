// The Λ-shaped mask shared by LM-Infinite and StreamingLLM: causal, the first `global` keys
// (sinks) plus the `local` most recent keys, self included (patterns.md §11, §12).
#pragma once

#include <algorithm>
#include <optional>

#include "core/interval_pattern.hpp"

namespace attnbench {

inline void lambda_intervals(Index q, Index local, Index global, Intervals& out) {
  out.add(0, std::min(global, q + 1));
  out.add(q - local + 1, q + 1);
}

// L(L+1)/2 + (n-L)L + g(g+1)/2 + (n-L-g)g, valid for n >= L + g.
inline std::optional<Index> lambda_pairs(Index n, Index local, Index global) {
  if (n < local + global) return std::nullopt;
  return local * (local + 1) / 2 + (n - local) * local + global * (global + 1) / 2 +
         (n - local - global) * global;
}

}  // namespace attnbench
