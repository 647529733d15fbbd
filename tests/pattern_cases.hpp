// The instances the generic tests run every registered pattern on: its defaults and its
// declared examples, at square, ragged, rectangular and bottom-right geometries.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/errors.hpp"
#include "core/registry.hpp"

namespace attnbench::testing {

struct PatternInstance {
  std::string label;  // pattern, parameters and geometry, for failure messages
  std::unique_ptr<Pattern> pattern;
};

// Every (parameter set, geometry) the plugin accepts; a ParamError means "not for this
// geometry" and the combination is left out.
std::vector<PatternInstance> instances_of(const PatternInfo& info);

// Runs a content-dependent pattern's prepare() on seeded random inputs (head_dim 16).
std::unique_ptr<Pattern> prepared(std::unique_ptr<Pattern> pattern, std::uint64_t seed = 5);

// One pattern with parameter overrides, for the worked-example tests.
std::unique_ptr<Pattern> make(const std::string& name,
                              const std::vector<std::pair<std::string, ParamValue>>& params,
                              Index q_len, Index kv_len = 0, int heads = 1);

// Allowed pairs of one head, by scanning the predicate.
Index count_pairs(const Pattern& pattern, int head);

// The sorted keys a query row may see.
std::vector<Index> keys_of(const Pattern& pattern, int head, Index row);

}  // namespace attnbench::testing
