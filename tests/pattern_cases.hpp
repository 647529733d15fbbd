// Helpers for the pattern tests: the conformance instances (src/conformance) and single
// patterns with parameter overrides for the worked examples.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "conformance/instances.hpp"
#include "core/errors.hpp"
#include "core/registry.hpp"

namespace attnbench::testing {

using conformance::count_pairs;
using conformance::instances_of;
using conformance::PatternInstance;
using conformance::prepared;

// One pattern with parameter overrides, for the worked-example tests.
std::unique_ptr<Pattern> make(const std::string& name,
                              const std::vector<std::pair<std::string, ParamValue>>& params,
                              Index q_len, Index kv_len = 0, int heads = 1);

// The sorted keys a query row may see.
std::vector<Index> keys_of(const Pattern& pattern, int head, Index row);

}  // namespace attnbench::testing
