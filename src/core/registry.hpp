// Where plugins register themselves: a plugin file ends with one `register_pattern({...})`
// constant, so adding a pattern is one new file in patterns/ and nothing else.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/pattern.hpp"

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
  // Set by the registry: empty for a built-in pattern, else the plugin file it came from.
  std::string origin;
};

// Registers a plugin; returns true so that a plugin can keep the result in a named constant.
// A name registered twice throws std::invalid_argument naming the first one's origin.
bool register_pattern(PatternInfo info);

// While one lives, registrations are attributed to the plugin file `origin` (the loader's).
class RegistrationOrigin {
 public:
  explicit RegistrationOrigin(std::string origin);
  ~RegistrationOrigin();
  RegistrationOrigin(const RegistrationOrigin&) = delete;
  RegistrationOrigin& operator=(const RegistrationOrigin&) = delete;
};

// Removes the patterns a refused plugin registered before it was refused.
void unregister_patterns_from(const std::string& origin);

const PatternInfo* find_pattern(const std::string& name);

// Every registered pattern, sorted by name.
std::vector<const PatternInfo*> all_patterns();

// The defaults of every declared parameter, overridden by `overrides` (names must be declared).
ParamValues resolve_params(const PatternInfo& info,
                           const std::vector<std::pair<std::string, ParamValue>>& overrides);

// The executed lengths for configured ones (the plugin's `lengths`, or the same).
std::pair<Index, Index> executed_lengths(const PatternInfo& info, Index seq_len, Index kv_len,
                                         const ParamValues& values);

// The geometry for a query and key length under the pattern's `align` parameter.
Geometry make_geometry(Index q_len, Index kv_len, int heads, const ParamValues& values);

}  // namespace attnbench
