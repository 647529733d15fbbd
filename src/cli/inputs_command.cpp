// `attnbench inputs`: every input generator a config's `inputs:` may name, with its construction
// and parameters (README: "Input sets").
#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "cli/commands.hpp"
#include "inputs/generators.hpp"

namespace attnbench {

int inputs_command(bool json) {
  if (json) {
    nlohmann::ordered_json list = nlohmann::ordered_json::array();
    for (const GeneratorInfo& g : input_generators()) {
      nlohmann::ordered_json params = nlohmann::ordered_json::array();
      for (const ParamSpec& p : g.params) {
        nlohmann::ordered_json j{{"name", p.name}, {"type", type_name(p.type)}};
        std::visit([&](const auto& v) { j["default"] = v; }, p.default_value);
        j["help"] = p.help;
        params.push_back(j);
      }
      list.push_back({{"generator", g.name}, {"construction", g.summary}, {"params", params}});
    }
    fmt::print("{}\n", list.dump(2));
    return 0;
  }
  fmt::print(
      "every generator also takes `name` and `seed` (default: the config's seed); a set of "
      "files takes `name`, `q`, `k`, `v`\n");
  for (const GeneratorInfo& g : input_generators()) {
    fmt::print("{}\n  {}\n", g.name, g.summary);
    for (const ParamSpec& p : g.params) {
      fmt::print("    {:<16} {:<8} default {:<10} {}\n", p.name, type_name(p.type),
                 format_value(p.default_value), p.help);
    }
  }
  return 0;
}

}  // namespace attnbench
