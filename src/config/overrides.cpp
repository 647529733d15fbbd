// --set KEY=VALUE: a dotted path into the document and a YAML value, applied before validation
// so that an override is checked exactly like the file it overrides.
#include <fmt/format.h>

#include <charconv>

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

void apply_override(YAML::Node root, const Override& o, const YamlSource& source) {
  const std::vector<std::string> parts = split_path(o.path);
  YAML::Node node;
  node.reset(root);
  std::string walked;
  for (std::size_t i = 0; i + 1 < parts.size(); ++i) {
    walked = join_key(walked, parts[i]);
    YAML::Node next;
    if (node.IsSequence()) {
      std::size_t index = 0;
      const auto [end, error] =
          std::from_chars(parts[i].data(), parts[i].data() + parts[i].size(), index);
      if (error != std::errc() || end != parts[i].data() + parts[i].size() ||
          index >= node.size()) {
        source.fail(node, walked, fmt::format("no list element {} here", parts[i]));
      }
      next.reset(node[index]);
    } else {
      if (!node.IsMap() && node.IsDefined() && !node.IsNull()) {
        source.fail(node, walked, "cannot descend into a plain value");
      }
      next.reset(node[parts[i]]);
    }
    node.reset(next);
  }
  if (node.IsSequence()) source.fail(node, o.path, "replace the whole list or one named key");
  if (!node.IsMap() && node.IsDefined() && !node.IsNull()) {
    source.fail(node, o.path,
                fmt::format("cannot set '{}' inside {}: it is a plain value", parts.back(),
                            walked.empty() ? "the document" : "'" + walked + "'"));
  }
  node[parts.back()] = parse_value(o, source);
}

}  // namespace attnbench
