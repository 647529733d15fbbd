// Reading YAML with positions: every value read through here that is wrong raises an InputError
// naming the file, line, column and key, or the --set override it came from.
#pragma once

#include <yaml-cpp/yaml.h>

#include <string>
#include <utility>
#include <vector>

#include "core/check.hpp"
#include "core/errors.hpp"
#include "core/params.hpp"

namespace attnbench {

struct Override {
  std::string path;  // dotted key, e.g. shape.heads or patterns.0.params.radius
  std::string text;  // the YAML value as typed
  // The path as typed when it named a list element by its label (patterns.<label>.params.x):
  // errors show it, while `path` holds the indices the loader's keys use.
  std::string as_typed;
};

inline constexpr std::size_t kMaxYamlNodes = 1'000'000;
inline constexpr std::size_t kMaxYamlDepth = 64;

class YamlSource {
 public:
  YamlSource(std::string file, std::vector<Override> overrides)
      : file_(std::move(file)), overrides_(std::move(overrides)) {}

  [[noreturn]] void fail(const YAML::Node& node, const std::string& key,
                         const std::string& message) const;

  Index read_int(const YAML::Node& node, const std::string& key, Index min, Index max) const;
  // read_int into a field of another integer type (int, std::uint64_t): the value is checked
  // against [min, max], so it fits the field when the bounds do.
  template <class Int>
  Int read_int_as(const YAML::Node& node, const std::string& key, Index min, Index max) const {
    ATTNBENCH_CHECK(std::in_range<Int>(min) && std::in_range<Int>(max));
    return static_cast<Int>(read_int(node, key, min, max));
  }
  bool read_bool(const YAML::Node& node, const std::string& key) const;
  double read_float(const YAML::Node& node, const std::string& key, double min, double max) const;
  std::string read_string(const YAML::Node& node, const std::string& key) const;
  std::string read_choice(const YAML::Node& node, const std::string& key,
                          const std::vector<std::string>& choices) const;
  IndexList read_int_list(const YAML::Node& node, const std::string& key, Index min,
                          Index max) const;
  // A sweep axis: one value or a list of values.
  IndexList read_int_axis(const YAML::Node& node, const std::string& key, Index min,
                          Index max) const;

  // Rejects keys of `map` outside `known`, naming the closest known key.
  void check_keys(const YAML::Node& map, const std::string& key,
                  const std::vector<std::string>& known) const;
  void require_map(const YAML::Node& node, const std::string& key) const;

  // Aliases make a YAML document a graph: one that refers to itself, nests deeper than
  // kMaxYamlDepth or expands to more than kMaxYamlNodes nodes is refused, located, before
  // anything else walks it (a self-reference would overflow the stack, an alias "bomb" of a
  // few hundred bytes would expand for minutes).
  void check_bounds(const YAML::Node& root) const;

  // yaml-cpp keeps duplicate keys silently; this rejects them anywhere in the document.
  void check_duplicates(const YAML::Node& node, const std::string& key) const;

  const std::string& file() const { return file_; }

  // A path given in the config is relative to the config's folder; one given with --set (or to
  // a config read from memory) to the working directory.
  std::string resolve_path(const std::string& key, const std::string& path) const;

  // Files the experiment reads (inputs, replays, plugins), by role, to be digested and recorded.
  void note_file(const std::string& role, const std::string& path) const;
  const std::vector<std::pair<std::string, std::string>>& noted_files() const { return files_; }

 private:
  SourceLocation locate(const YAML::Node& node, const std::string& key) const;

  std::string file_;
  std::vector<Override> overrides_;
  mutable std::vector<std::pair<std::string, std::string>> files_;  // (role, path)
};

// "radius" for "raduis" among {radius, causal}: the closest name within a small edit distance.
std::string describe_node(const YAML::Node& node);

std::string closest_name(const std::string& name, const std::vector<std::string>& known);

std::string join_key(const std::string& parent, const std::string& child);

}  // namespace attnbench
