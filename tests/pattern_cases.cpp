#include "pattern_cases.hpp"

#include <stdexcept>

namespace attnbench::testing {

std::unique_ptr<Pattern> make(const std::string& name,
                              const std::vector<std::pair<std::string, ParamValue>>& params,
                              Index q_len, Index kv_len, int heads) {
  const PatternInfo* info = find_pattern(name);
  if (info == nullptr) throw std::logic_error("no pattern " + name);
  const ParamValues values = resolve_params(*info, params);
  const auto [q, kv] = executed_lengths(*info, q_len, kv_len ? kv_len : q_len, values);
  return prepared(info->make(make_geometry(q, kv, heads, values), values));
}

std::vector<Index> keys_of(const Pattern& pattern, int head, Index row) {
  std::vector<Index> keys;
  const Geometry& g = pattern.geometry();
  for (Index k = 0; k < g.kv_len; ++k) {
    if (pattern.allows(head, row + g.q_offset, k)) keys.push_back(k);
  }
  return keys;
}

}  // namespace attnbench::testing
