// From validated config values to cases: each pattern entry's fixed and swept parameters, and
// the cartesian product with the experiment's axes.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "config/axes.hpp"
#include "config/yaml_source.hpp"
#include "core/case.hpp"
#include "core/registry.hpp"

namespace attnbench {

struct PatternEntry {
  const PatternInfo* info = nullptr;
  std::vector<std::pair<std::string, ParamValue>> fixed;
  std::vector<std::pair<std::string, std::vector<ParamValue>>> sweeps;
  // Where each parameter was written, so that a value the plugin rejects is located.
  std::map<std::string, std::pair<YAML::Node, std::string>> origin;
  std::optional<PatternSpec> composite;  // set for union / intersection / per_head
  Axes axes;                             // the experiment's, with this entry's own overrides
  std::optional<bool> baseline;          // the entry's own `baseline: full|none`
  std::string label;                     // the entry's own `label:`, empty when generated
  YAML::Node node;
  std::string key;
};

// A pattern's parameter values from KEY=VALUE overrides alone (the `mask` command), defaults
// for the rest; unknown names and bad values raise InputError naming the override.
ParamValues params_from_overrides(const PatternInfo& info, const std::vector<Override>& overrides);

std::vector<PatternEntry> read_patterns(const YamlSource& src, const YAML::Node& list,
                                        const Axes& experiment_axes);

// Counts the cases first: more than `max_cases` is an InputError at `patterns`, before any case
// is made.
std::vector<Case> expand_cases(const YamlSource& src, const std::vector<PatternEntry>& entries,
                               const Measurement& measurement, std::size_t max_cases);

// The number of cases the entries expand to, saturated at SIZE_MAX.
std::size_t count_cases(const std::vector<PatternEntry>& entries);

}  // namespace attnbench
