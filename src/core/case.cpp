#include "core/case.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "core/input_set.hpp"
#include "core/registry.hpp"

namespace attnbench {

namespace {

bool in_id(const PatternInfo& info, const std::string& param, const ParamValue& value) {
  for (const ParamSpec& spec : info.params) {
    if (spec.name == param) return spec.in_id_at_default || value != spec.default_value;
  }
  return true;
}

}  // namespace

std::string PatternSpec::text() const {
  if (!parts.empty()) {
    std::string inner;
    for (std::size_t i = 0; i < parts.size(); ++i) {
      if (i > 0) inner += '|';
      if (!head_counts.empty()) inner += fmt::format("{}x", head_counts[i]);
      inner += parts[i].text();
    }
    return fmt::format("{}({})", name, inner);
  }
  std::string values;
  const PatternInfo* info = find_pattern(name);
  for (const std::string& param : param_order) {
    if (info && !in_id(*info, param, params.at(param))) continue;
    if (!values.empty()) values += ',';
    values += param + '=' + format_value(params.at(param));
  }
  return name + ':' + values;
}

namespace {

bool bottom_right(const PatternSpec& spec) {
  if (spec.params.has("align") && std::get<std::string>(spec.params.at("align")) == "bottom_right")
    return true;
  return std::any_of(spec.parts.begin(), spec.parts.end(), bottom_right);
}

}  // namespace

Index first_query_position(const PatternSpec& spec, Index q_len, Index kv_len) {
  return bottom_right(spec) ? std::max<Index>(0, kv_len - q_len) : 0;
}

}  // namespace attnbench
