// From validated config values to cases: each pattern entry's fixed and swept parameters, and
// the cartesian product with the experiment's axes.
#pragma once

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "config/yaml_source.hpp"
#include "core/case.hpp"
#include "core/registry.hpp"

namespace attnbench {

struct Axes {
  IndexList batch, heads, kv_heads, head_dim;  // kv_heads empty: the same as heads
  IndexList seq_len, kv_len;                   // kv_len empty: the same as seq_len
  IndexList block_q, block_kv, threads;
  std::vector<std::string> executor;
  YAML::Node kv_heads_node;  // where kv_heads was given, for the heads-multiple check
};

struct PatternEntry {
  const PatternInfo* info = nullptr;
  std::vector<std::pair<std::string, ParamValue>> fixed;
  std::vector<std::pair<std::string, std::vector<ParamValue>>> sweeps;
  // Where each parameter was written, so that a value the plugin rejects is located.
  std::map<std::string, std::pair<YAML::Node, std::string>> origin;
  YAML::Node node;
  std::string key;
};

// A pattern's parameter values from KEY=VALUE overrides alone (the `mask` command), defaults
// for the rest; unknown names and bad values raise InputError naming the override.
ParamValues params_from_overrides(const PatternInfo& info, const std::vector<Override>& overrides);

std::vector<PatternEntry> read_patterns(const YamlSource& src, const YAML::Node& list);

std::vector<Case> expand_cases(const YamlSource& src, const std::vector<PatternEntry>& entries,
                               const Axes& axes, const Measurement& measurement);

}  // namespace attnbench
