#include "config/labels.hpp"

#include <fmt/format.h>

#include "core/registry.hpp"

namespace attnbench {

namespace {

bool is_default(const PatternInfo* info, const std::string& name, const ParamValue& value) {
  if (info == nullptr) return false;
  for (const ParamSpec& spec : info->params) {
    if (spec.name == name) return spec.default_value == value;
  }
  return false;
}

std::string composition_label(const PatternSpec& spec) {
  std::string parts;
  for (std::size_t i = 0; i < spec.parts.size(); ++i) {
    if (i > 0) parts += " | ";
    if (!spec.head_counts.empty()) parts += fmt::format("{}x ", spec.head_counts[i]);
    parts += spec_label(spec.parts[i]);
  }
  return fmt::format("{}({})", spec.name, parts);
}

}  // namespace

std::string spec_label(const PatternSpec& spec, const std::set<std::string>& swept,
                       const std::string& prefix) {
  if (!spec.parts.empty()) return prefix.empty() ? composition_label(spec) : prefix;
  const PatternInfo* info = find_pattern(spec.name);
  std::string label = prefix.empty() ? spec.name : prefix;
  for (const std::string& name : spec.param_order) {
    const ParamValue& value = spec.params.at(name);
    const bool shown = swept.count(name) || (prefix.empty() && !is_default(info, name, value));
    if (shown) label += fmt::format(" {}={}", name, format_value(value));
  }
  return label;
}

}  // namespace attnbench
