// `attnbench patterns`: every registered plugin, its parameters, types, defaults and meaning.
#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "cli/commands.hpp"
#include "core/registry.hpp"

namespace attnbench {

static nlohmann::ordered_json param_json(const ParamSpec& spec) {
  nlohmann::ordered_json j{{"name", spec.name}, {"type", type_name(spec.type)}};
  std::visit([&](const auto& v) { j["default"] = v; }, spec.default_value);
  j["help"] = spec.help;
  if (!spec.choices.empty()) j["choices"] = spec.choices;
  if (spec.type == ParamType::kInt || spec.type == ParamType::kIntList ||
      spec.type == ParamType::kIntOrList) {
    j["min"] = spec.min;
    j["max"] = spec.max;
  }
  return j;
}

int patterns_command(bool json) {
  if (json) {
    nlohmann::ordered_json list = nlohmann::ordered_json::array();
    for (const PatternInfo* info : all_patterns()) {
      nlohmann::ordered_json params = nlohmann::ordered_json::array();
      for (const ParamSpec& spec : info->params) params.push_back(param_json(spec));
      list.push_back({{"name", info->name},
                      {"summary", info->summary},
                      {"plugin", info->origin.empty() ? nlohmann::ordered_json()
                                                      : nlohmann::ordered_json(info->origin)},
                      {"params", params}});
    }
    fmt::print("{}\n", list.dump(2));
    return 0;
  }
  for (const PatternInfo* info : all_patterns()) {
    const std::string origin = info->origin.empty() ? "" : "  (plugin " + info->origin + ")";
    fmt::print("{}{}\n  {}\n", info->name, origin, info->summary);
    for (const ParamSpec& spec : info->params) {
      const std::string choices =
          spec.choices.empty() ? "" : fmt::format(" {{{}}}", fmt::join(spec.choices, "|"));
      fmt::print("    {:<21} {:<8} default {:<10} {}{}\n", spec.name, type_name(spec.type),
                 format_value(spec.default_value), spec.help, choices);
    }
  }
  return 0;
}

}  // namespace attnbench
