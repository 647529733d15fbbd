// What each executor is, apart from how it runs: the facts the runner and the views need about
// an ExecutorKind. oneDNN-free, so that the views can use it without linking the executors.
#pragma once

#include <string_view>

#include "core/case_key.hpp"

namespace attnbench {

struct ExecutorFacts {
  std::string_view label;  // the views' column label
  bool is_baseline;        // the views' "speedup" is this executor's latency over the others'
  bool every_pair;         // computes every (query, key) pair, then masks
};

const ExecutorFacts& facts_of(ExecutorKind executor);

// The executor the views divide by, or nothing when the set has none.
ExecutorKind baseline_executor();

}  // namespace attnbench
