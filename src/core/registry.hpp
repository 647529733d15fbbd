// The registry as the engine sees it: registration's bookkeeping for plugin files, and looking
// patterns up. What a pattern itself uses (PatternInfo, register_pattern) is the plugin API,
// <attnbench/registry.hpp>; this header includes it, so that `core/registry.hpp` keeps working
// for the built-in patterns for one release.
#pragma once

#include <attnbench/registry.hpp>

#include <string>
#include <utility>
#include <vector>

namespace attnbench {

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
