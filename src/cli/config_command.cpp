// `attnbench config --explain`: every config key with its type, default and meaning, from the
// table the loader checks keys against (config/schema.hpp), as text or JSON.
#include <fmt/format.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "cli/commands.hpp"
#include "config/schema.hpp"

namespace attnbench {

namespace {

std::string condition_text(const ConfigKey& key) {
  if (key.when.empty()) return "";
  const std::size_t equals = key.when.find('=');
  return fmt::format("(with {}: {}) ", key.when.substr(0, equals), key.when.substr(equals + 1));
}

void print_json() {
  nlohmann::ordered_json list = nlohmann::ordered_json::array();
  for (const ConfigKey& key : config_schema()) {
    nlohmann::ordered_json row{
        {"key", key.path},
        {"type", key.type},
        {"default", key.default_value.empty() ? nlohmann::ordered_json()
                                              : nlohmann::ordered_json(key.default_value)},
        {"meaning", condition_text(key) + key.meaning}};
    if (!key.values.empty()) row["values"] = key.values;
    if (!key.when.empty()) row["when"] = key.when;
    list.push_back(std::move(row));
  }
  fmt::print("{}\n", list.dump(2));
}

void print_text() {
  std::size_t path_width = 3, type_width = 4, default_width = 7;
  for (const ConfigKey& key : config_schema()) {
    path_width = std::max(path_width, key.path.size());
    type_width = std::max(type_width, key.type.size());
    default_width = std::max(default_width, key.default_value.size());
  }
  const auto line = [&](const std::string& path, const std::string& type,
                        const std::string& default_value, const std::string& meaning) {
    fmt::print("{:<{}}  {:<{}}  {:<{}}  {}\n", path, path_width, type, type_width, default_value,
               default_width, meaning);
  };
  line("key", "type", "default", "meaning ([] any entry of a list; - none or required)");
  for (const ConfigKey& key : config_schema()) {
    const std::string values =
        key.values.empty() ? "" : fmt::format(" {{{}}}", fmt::join(key.values, "|"));
    line(key.path, key.type, key.default_value.empty() ? "-" : key.default_value,
         condition_text(key) + key.meaning + values);
  }
  fmt::print(
      "\nEach pattern's parameters (for params and sweep): attnbench patterns. The input "
      "generators' constructions: attnbench inputs.\n");
}

}  // namespace

int config_command(bool json) {
  if (json) {
    print_json();
  } else {
    print_text();
  }
  return 0;
}

}  // namespace attnbench
