// An experiment as the config describes it, expanded into cases (the cartesian product of its
// axes and of each pattern's `sweep:`), every value validated before anything runs.
#pragma once

#include <string>
#include <vector>

#include "config/yaml_source.hpp"
#include "core/case.hpp"
#include "core/file_digest.hpp"

namespace attnbench {

struct Experiment {
  std::string name;
  std::string config_path;
  std::string config_hash;  // FNV-1a of the config text, with the overrides applied
  std::vector<Override> overrides;
  std::vector<Case> cases;
  // Each entry of `patterns:` by index: its own `label:`, empty where the label is generated.
  std::vector<std::string> entry_labels;
  std::vector<InputFile> files;  // inputs, replays and plugins, with their SHA-256
};

// Parses "KEY=VALUE" as given to --set; throws InputError when there is no '='.
Override parse_override(const std::string& argument);

// Every --set argument of a command, parsed.
std::vector<Override> parse_overrides(const std::vector<std::string>& arguments);

// A sweep of more cases is refused (`run --max-cases N` raises it): expanding 10^9 cases would
// take the machine's memory before anything ran.
inline constexpr std::size_t kDefaultMaxCases = 1'000'000;

// Loads, overrides, validates and expands a config file. Throws InputError on any mistake.
Experiment load_experiment(const std::string& path, const std::vector<Override>& overrides,
                           std::size_t max_cases = kDefaultMaxCases);

// The same from text in memory; `source` names it in errors.
Experiment load_experiment_text(const std::string& text, const std::string& source,
                                const std::vector<Override>& overrides,
                                std::size_t max_cases = kDefaultMaxCases);

// Applies one --set to a loaded document (creates missing map keys; a list element is named by
// its index or its `label:`). A parameter set under a pattern entry's `sweep` leaves its
// `params` (and the other way round). Returns the override with its path in indices.
Override apply_override(const YAML::Node& root, const Override& override_value,
                        const YamlSource& source);

}  // namespace attnbench
