#include "core/registry.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <stdexcept>

namespace attnbench {

namespace {

std::map<std::string, PatternInfo>& registry() {
  static std::map<std::string, PatternInfo> patterns;
  return patterns;
}

std::string& current_origin() {
  static std::string origin;
  return origin;
}

std::string describe_origin(const std::string& origin) {
  return origin.empty() ? "built in" : "from plugin " + origin;
}

ParamSpec align_param() {
  return ParamSpec{.name = "align",
                   .type = ParamType::kChoice,
                   .default_value = std::string("top_left"),
                   .help =
                       "where queries sit when q_len != kv_len: top_left (query i at "
                       "position i) or bottom_right (at i + kv_len - q_len, as in decoding)",
                   .choices = {"top_left", "bottom_right"}};
}

}  // namespace

bool register_pattern(PatternInfo info) {
  info.params.push_back(align_param());
  info.origin = current_origin();
  std::string name = info.name;
  const auto [existing, inserted] = registry().emplace(name, std::move(info));
  if (!inserted) {
    throw std::invalid_argument(fmt::format("pattern '{}' is already registered ({}); rename it",
                                            name, describe_origin(existing->second.origin)));
  }
  return true;
}

RegistrationOrigin::RegistrationOrigin(std::string origin) { current_origin() = std::move(origin); }

RegistrationOrigin::~RegistrationOrigin() { current_origin().clear(); }

void unregister_patterns_from(const std::string& origin) {
  std::erase_if(registry(), [&](const auto& entry) { return entry.second.origin == origin; });
}

const PatternInfo* find_pattern(const std::string& name) {
  auto it = registry().find(name);
  return it == registry().end() ? nullptr : &it->second;
}

std::vector<const PatternInfo*> all_patterns() {
  std::vector<const PatternInfo*> result;
  for (const auto& [name, info] : registry()) result.push_back(&info);
  return result;
}

ParamValues resolve_params(const PatternInfo& info,
                           const std::vector<std::pair<std::string, ParamValue>>& overrides) {
  ParamValues values;
  for (const ParamSpec& spec : info.params) values.set(spec.name, spec.default_value);
  for (const auto& [name, value] : overrides) {
    if (!values.has(name)) throw std::logic_error("undeclared parameter " + name);
    values.set(name, value);
  }
  return values;
}

std::pair<Index, Index> executed_lengths(const PatternInfo& info, Index seq_len, Index kv_len,
                                         const ParamValues& values) {
  return info.lengths ? info.lengths(seq_len, kv_len, values) : std::pair{seq_len, kv_len};
}

Geometry make_geometry(Index q_len, Index kv_len, int heads, const ParamValues& values) {
  const bool bottom_right = values.get_choice("align") == "bottom_right";
  return Geometry{.q_len = q_len,
                  .kv_len = kv_len,
                  .heads = heads,
                  .q_offset = bottom_right ? kv_len - q_len : 0};
}

}  // namespace attnbench
