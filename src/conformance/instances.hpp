// The instances the generic checks run a registered pattern on: its defaults and its declared
// examples, at square, ragged, rectangular and bottom-right geometries.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/registry.hpp"

namespace attnbench::conformance {

struct PatternInstance {
  std::string label;  // pattern, parameters and geometry, for failure messages
  std::unique_ptr<Pattern> pattern;
};

// Every (parameter set, geometry) the plugin accepts; a ParamError means "not for this
// geometry" and the combination is left out.
std::vector<PatternInstance> instances_of(const PatternInfo& info);

// Runs a content-dependent pattern's prepare() on seeded random inputs (head_dim 16).
std::unique_ptr<Pattern> prepared(std::unique_ptr<Pattern> pattern, std::uint64_t seed = 5);

// Allowed pairs of one head, by scanning the predicate.
Index count_pairs(const Pattern& pattern, int head);

}  // namespace attnbench::conformance
