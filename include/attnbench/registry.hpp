// How a pattern makes itself known: its name, summary, parameters, factory and examples. A
// built-in pattern keeps register_pattern's result in a named constant (one new file in
// patterns/, nothing else); an out-of-tree plugin calls it inside ATTNBENCH_PLUGIN { ... }.
// Looking patterns up is the engine's business (src/core/registry.hpp), not a plugin's.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <attnbench/pattern.hpp>

namespace attnbench {

using PatternFactory = std::function<std::unique_ptr<Pattern>(const Geometry&, const ParamValues&)>;

struct PatternInfo {
  std::string name;
  std::string summary;            // one line: the rule, and the paper it comes from
  std::vector<ParamSpec> params;  // `align` is added for every pattern by the registry
  PatternFactory make;            // throws ParamError for values the geometry cannot take
  // The query and key lengths the pattern executes for a configured seq_len and kv_len, for
  // patterns that pool queries or add tokens (Funnel, LongT5, ETC, Landmark); unset: the same.
  std::function<std::pair<Index, Index>(Index seq_len, Index kv_len, const ParamValues&)> lengths;
  // Parameter sets the conformance tests instantiate besides the defaults.
  std::vector<std::vector<std::pair<std::string, ParamValue>>> examples;
  // The pattern is defined for q_len == kv_len with align top_left only (an encoder's, or one
  // whose rule needs every token as both query and key), and refuses other geometries with a
  // ParamError. Without it, conformance fails a pattern that refuses every rectangular or every
  // bottom-right instance: refusing them is then taken for a bug, not a design.
  bool square_only = false;
  // Set by the registry: empty for a built-in pattern, else the plugin file it came from.
  std::string origin;
};

// Registers a plugin; returns true so that a plugin can keep the result in a named constant.
// A name registered twice throws std::invalid_argument naming the first one's origin.
bool register_pattern(PatternInfo info);

}  // namespace attnbench
