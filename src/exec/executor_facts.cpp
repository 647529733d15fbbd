#include "exec/executor_facts.hpp"

#include <array>

namespace attnbench {

namespace {

// In the order of ExecutorKind.
constexpr std::array<ExecutorFacts, 3> kFacts = {{
    {"dense", true, true},
    {"sparse", false, false},
    {"reference", false, false},
}};

}  // namespace

const ExecutorFacts& facts_of(ExecutorKind executor) {
  return kFacts[static_cast<std::size_t>(executor)];
}

ExecutorKind baseline_executor() { return ExecutorKind::kDense; }

}  // namespace attnbench
