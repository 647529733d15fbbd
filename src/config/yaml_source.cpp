#include "config/yaml_source.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <filesystem>
#include <map>

namespace attnbench {

std::string join_key(const std::string& parent, const std::string& child) {
  return parent.empty() ? child : parent + "." + child;
}

SourceLocation YamlSource::locate(const YAML::Node& node, const std::string& key) const {
  for (const Override& o : overrides_) {
    if (key == o.path || key.rfind(o.path + ".", 0) == 0) {
      return SourceLocation{
          fmt::format("--set {}={}", o.as_typed.empty() ? o.path : o.as_typed, o.text), 0, 0};
    }
  }
  if (!node.IsDefined() || node.Mark().is_null()) return SourceLocation{file_, 0, 0};
  return SourceLocation{file_, node.Mark().line + 1, node.Mark().column + 1};
}

std::string YamlSource::resolve_path(const std::string& key, const std::string& path) const {
  for (const Override& o : overrides_) {
    if (key == o.path || key.rfind(o.path + ".", 0) == 0) return path;
  }
  const std::filesystem::path given(path);
  const std::filesystem::path folder = std::filesystem::path(file_).parent_path();
  if (path.empty() || given.is_absolute() || folder.empty()) return path;
  return (folder / given).string();
}

void YamlSource::note_file(const std::string& role, const std::string& path) const {
  for (const auto& [known_role, known_path] : files_) {
    if (known_role == role && known_path == path) return;
  }
  files_.emplace_back(role, path);
}

void YamlSource::fail(const YAML::Node& node, const std::string& key,
                      const std::string& message) const {
  throw InputError(locate(node, key), key, message);
}

// "?" marks a plain scalar, "!" a quoted one; an explicit tag (!!str 64) is not a plain number.
static bool is_plain_scalar(const YAML::Node& node) {
  return node.IsScalar() && (node.Tag() == "?" || node.Tag().empty());
}

Index YamlSource::read_int(const YAML::Node& node, const std::string& key, Index min,
                           Index max) const {
  const std::string text = node.IsScalar() ? node.Scalar() : "";
  Index value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error == std::errc::result_out_of_range) {
    fail(node, key, fmt::format("{} is out of the 64-bit integer range", text));
  }
  if (!is_plain_scalar(node) || error != std::errc() || end != text.data() + text.size()) {
    fail(node, key, fmt::format("expected an integer, got {}", describe_node(node)));
  }
  if (value < min || value > max) {
    fail(node, key, fmt::format("expected an integer in [{}, {}], got {}", min, max, value));
  }
  return value;
}

bool YamlSource::read_bool(const YAML::Node& node, const std::string& key) const {
  if (is_plain_scalar(node) && (node.Scalar() == "true" || node.Scalar() == "false")) {
    return node.Scalar() == "true";
  }
  fail(node, key, fmt::format("expected true or false, got {}", describe_node(node)));
}

double YamlSource::read_float(const YAML::Node& node, const std::string& key, double min,
                              double max) const {
  const std::string text = node.IsScalar() ? node.Scalar() : "";
  double value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (!is_plain_scalar(node) || error != std::errc() || end != text.data() + text.size()) {
    fail(node, key, fmt::format("expected a number, got {}", describe_node(node)));
  }
  if (!(value >= min && value <= max)) {
    fail(node, key, fmt::format("expected a number in [{:g}, {:g}], got {:g}", min, max, value));
  }
  return value;
}

std::string YamlSource::read_string(const YAML::Node& node, const std::string& key) const {
  if (!node.IsScalar())
    fail(node, key, fmt::format("expected a string, got {}", describe_node(node)));
  return node.Scalar();
}

std::string YamlSource::read_choice(const YAML::Node& node, const std::string& key,
                                    const std::vector<std::string>& choices) const {
  std::string value = read_string(node, key);
  if (std::find(choices.begin(), choices.end(), value) != choices.end()) return value;
  const std::string near = closest_name(value, choices);
  fail(node, key,
       fmt::format("expected one of {}, got '{}'{}", fmt::join(choices, ", "), value,
                   near.empty() ? "" : fmt::format(" (did you mean '{}'?)", near)));
}

IndexList YamlSource::read_int_list(const YAML::Node& node, const std::string& key, Index min,
                                    Index max) const {
  if (!node.IsSequence()) {
    fail(node, key, fmt::format("expected a list of integers, got {}", describe_node(node)));
  }
  IndexList values;
  for (std::size_t i = 0; i < node.size(); ++i) {
    values.push_back(read_int(node[i], join_key(key, std::to_string(i)), min, max));
  }
  return values;
}

IndexList YamlSource::read_int_axis(const YAML::Node& node, const std::string& key, Index min,
                                    Index max) const {
  if (node.IsSequence()) {
    if (node.size() == 0) fail(node, key, "expected a value or a non-empty list, got []");
    return read_int_list(node, key, min, max);
  }
  return {read_int(node, key, min, max)};
}

void YamlSource::require_map(const YAML::Node& node, const std::string& key) const {
  if (!node.IsMap()) {
    fail(node, key,
         fmt::format("expected a mapping of keys to values, got {}", describe_node(node)));
  }
}

void YamlSource::check_keys(const YAML::Node& map, const std::string& key,
                            const std::vector<std::string>& known) const {
  require_map(map, key);
  for (auto it = map.begin(); it != map.end(); ++it) {
    const std::string name = it->first.Scalar();
    if (std::find(known.begin(), known.end(), name) != known.end()) continue;
    const std::string near = closest_name(name, known);
    fail(it->first, join_key(key, name),
         fmt::format("unknown key{} (known: {})",
                     near.empty() ? "" : fmt::format(", did you mean '{}'?", near),
                     fmt::join(known, ", ")));
  }
}

namespace {

struct BoundsWalk {
  const YamlSource& source;
  std::size_t nodes = 0;
  std::vector<YAML::Node> path;  // the ancestors of the node being visited

  void visit(const YAML::Node& node, const std::string& key) {
    for (const YAML::Node& ancestor : path) {
      if (ancestor.is(node)) source.fail(node, key, "an alias refers to a node that contains it");
    }
    // The key of a deep node would be a long chain of indices: name its top-level key.
    const std::string top = key.substr(0, key.find('.'));
    if (++nodes > kMaxYamlNodes) {
      source.fail(node, top,
                  fmt::format("the document expands to more than {} nodes (through aliases?)",
                              kMaxYamlNodes));
    }
    if (path.size() >= kMaxYamlDepth) {
      source.fail(node, top, fmt::format("nested deeper than {} levels", kMaxYamlDepth));
    }
    if (!node.IsSequence() && !node.IsMap()) return;
    path.push_back(node);
    if (node.IsSequence()) {
      for (std::size_t i = 0; i < node.size(); ++i) {
        visit(node[i], join_key(key, std::to_string(i)));
      }
    } else {
      for (auto it = node.begin(); it != node.end(); ++it) {
        visit(it->first, key);
        visit(it->second, join_key(key, it->first.IsScalar() ? it->first.Scalar() : ""));
      }
    }
    path.pop_back();
  }
};

}  // namespace

void YamlSource::check_bounds(const YAML::Node& root) const {
  BoundsWalk walk{*this};
  walk.visit(root, "");
}

void YamlSource::check_duplicates(const YAML::Node& node, const std::string& key) const {
  if (node.IsSequence()) {
    for (std::size_t i = 0; i < node.size(); ++i) {
      check_duplicates(node[i], join_key(key, std::to_string(i)));
    }
  }
  if (!node.IsMap()) return;
  std::map<std::string, int> first_line;
  for (auto it = node.begin(); it != node.end(); ++it) {
    const std::string name = it->first.IsScalar() ? it->first.Scalar() : "";
    const std::string child = join_key(key, name);
    if (!it->first.IsScalar()) fail(it->first, child, "a key must be a plain name");
    auto [place, inserted] = first_line.emplace(name, it->first.Mark().line + 1);
    if (!inserted) {
      fail(it->first, child, fmt::format("duplicate key (first given at line {})", place->second));
    }
    check_duplicates(it->second, child);
  }
}

std::string describe_node(const YAML::Node& node) {
  if (!node.IsDefined() || node.IsNull()) return "nothing";
  if (node.IsSequence()) return "a list";
  if (node.IsMap()) return "a mapping";
  if (node.Tag() == "!") return fmt::format("the string \"{}\"", node.Scalar());
  if (node.Tag() != "?" && !node.Tag().empty()) {
    return fmt::format("'{}' tagged {}", node.Scalar(), node.Tag());
  }
  return fmt::format("'{}'", node.Scalar());
}

static std::size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t substitution = diagonal + (a[i - 1] == b[j - 1] ? 0 : 1);
      diagonal = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, substitution});
    }
  }
  return row[b.size()];
}

std::string closest_name(const std::string& name, const std::vector<std::string>& known) {
  std::string best;
  std::size_t best_distance = std::max<std::size_t>(2, name.size() / 3) + 1;
  for (const std::string& candidate : known) {
    const std::size_t distance = edit_distance(name, candidate);
    if (distance < best_distance) {
      best = candidate;
      best_distance = distance;
    }
  }
  return best;
}

}  // namespace attnbench
