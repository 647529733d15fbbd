// --set KEY=VALUE: a dotted path into the document and a YAML value, applied before validation
// so that an override is checked exactly like the file it overrides.
#include <fmt/format.h>

#include <charconv>
#include <optional>

#include "config/experiment.hpp"

namespace attnbench {

Override parse_override(const std::string& argument) {
  const std::size_t equals = argument.find('=');
  if (equals == std::string::npos || equals == 0) {
    throw InputError(SourceLocation{"--set " + argument, 0, 0}, "",
                     "expected KEY=VALUE (a dotted key, then a YAML value)");
  }
  return Override{argument.substr(0, equals), argument.substr(equals + 1)};
}

std::vector<Override> parse_overrides(const std::vector<std::string>& arguments) {
  std::vector<Override> overrides;
  for (const std::string& argument : arguments) overrides.push_back(parse_override(argument));
  return overrides;
}

static std::vector<std::string> split_path(const std::string& path) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  while (true) {
    const std::size_t dot = path.find('.', start);
    parts.push_back(path.substr(start, dot - start));
    if (dot == std::string::npos) return parts;
    start = dot + 1;
  }
}

static YAML::Node parse_value(const Override& o, const YamlSource& source) {
  try {
    return YAML::Load(o.text);
  } catch (const YAML::Exception& e) {
    source.fail(YAML::Node(), o.path, fmt::format("the value is not valid YAML: {}", e.msg));
  }
}

namespace {

// The entry of `list` whose `label:` begins the rest of the path (parts[i], parts[i + 1], ...:
// a label may hold dots); the longest such label wins. Returns the entry's index and how many
// parts its label took.
std::optional<std::pair<std::size_t, std::size_t>> find_label(const YAML::Node& list,
                                                              const std::vector<std::string>& parts,
                                                              std::size_t i) {
  std::optional<std::pair<std::size_t, std::size_t>> best;
  for (std::size_t entry = 0; entry < list.size(); ++entry) {
    const YAML::Node label = list[entry].IsMap() ? list[entry]["label"] : YAML::Node();
    if (!label || !label.IsScalar()) continue;
    std::string joined;
    for (std::size_t used = 1; i + used <= parts.size(); ++used) {
      joined += (used > 1 ? "." : "") + parts[i + used - 1];
      if (joined == label.Scalar() && (!best || used > best->second)) best = {entry, used};
    }
  }
  return best;
}

std::string labels_of(const YAML::Node& list) {
  std::vector<std::string> labels;
  for (std::size_t entry = 0; entry < list.size(); ++entry) {
    const YAML::Node label = list[entry].IsMap() ? list[entry]["label"] : YAML::Node();
    if (label && label.IsScalar()) labels.push_back("'" + label.Scalar() + "'");
  }
  if (labels.empty()) return "no entry has a label:";
  return fmt::format("labels: {}", fmt::join(labels, ", "));
}

// parts[i] names an element of `list`: its index, or its `label:`. Returns the index and the
// number of parts used.
std::pair<std::size_t, std::size_t> list_element(const YAML::Node& list,
                                                 const std::vector<std::string>& parts,
                                                 std::size_t i, const std::string& walked,
                                                 const YamlSource& source) {
  std::size_t index = 0;
  const std::string& part = parts[i];
  const auto [end, error] = std::from_chars(part.data(), part.data() + part.size(), index);
  if (error == std::errc() && end == part.data() + part.size()) {
    if (index < list.size()) return {index, 1};
    source.fail(
        list, walked,
        fmt::format("no list element {} here (0 to {})", part, static_cast<long>(list.size()) - 1));
  }
  if (const auto found = find_label(list, parts, i)) return *found;
  source.fail(list, walked,
              fmt::format("no list element {} here: neither an index (0 to {}) nor a label ({})",
                          part, static_cast<long>(list.size()) - 1, labels_of(list)));
}

// A pattern entry's parameter lives under params or sweep, never both: setting it in one
// takes it out of the other (`--set patterns.0.sweep.radius=[64,128]` sweeps a fixed radius).
void move_parameter(YAML::Node map, const std::vector<std::string>& parts) {
  if (parts.size() < 4 || parts[0] != "patterns") return;
  const std::string& section = parts[parts.size() - 2];
  if (section != "sweep" && section != "params") return;
  YAML::Node other = map[section == "sweep" ? "params" : "sweep"];
  if (other.IsMap() && other[parts.back()]) other.remove(parts.back());
}

}  // namespace

Override apply_override(const YAML::Node& root, const Override& o, const YamlSource& source) {
  const std::vector<std::string> given = split_path(o.path);
  std::vector<std::string> parts;  // the path with labels replaced by indices
  YAML::Node node, entry;          // entry: the map holding the last part's parent
  node.reset(root);
  std::string walked;
  for (std::size_t i = 0; i + 1 < given.size();) {
    YAML::Node next;
    if (node.IsSequence()) {
      const auto [index, used] = list_element(node, given, i, walked, source);
      if (i + used >= given.size())
        source.fail(node, o.path, "replace the whole list or one named key");
      parts.push_back(std::to_string(index));
      next.reset(node[index]);
      i += used;
    } else {
      if (!node.IsMap() && node.IsDefined() && !node.IsNull()) {
        source.fail(node, walked, "cannot descend into a plain value");
      }
      parts.push_back(given[i]);
      next.reset(node[given[i]]);
      ++i;
    }
    walked = join_key(walked, parts.back());
    entry.reset(node);
    node.reset(next);
  }
  parts.push_back(given.back());
  if (node.IsSequence()) source.fail(node, o.path, "replace the whole list or one named key");
  if (!node.IsMap() && node.IsDefined() && !node.IsNull()) {
    source.fail(node, o.path,
                fmt::format("cannot set '{}' inside {}: it is a plain value", parts.back(),
                            walked.empty() ? "the document" : "'" + walked + "'"));
  }
  node[parts.back()] = parse_value(o, source);
  if (entry.IsMap()) move_parameter(entry, parts);
  Override resolved{fmt::format("{}", fmt::join(parts, ".")), o.text, o.as_typed};
  if (resolved.path != o.path && resolved.as_typed.empty()) resolved.as_typed = o.path;
  return resolved;
}

}  // namespace attnbench
