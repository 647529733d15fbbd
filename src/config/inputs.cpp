#include "config/inputs.hpp"

#include <fmt/format.h>

#include <filesystem>
#include <set>

#include "config/schema.hpp"
#include "core/npy_read.hpp"
#include "inputs/generators.hpp"

namespace attnbench {

namespace {

// The node of set `index`: the map itself, or the list's entry, and its key.
std::pair<YAML::Node, std::string> set_node(const YAML::Node& node, std::size_t index) {
  if (!node.IsSequence()) return {node, "inputs"};
  return {node[index], "inputs." + std::to_string(index)};
}

// [A-Za-z0-9][A-Za-z0-9._-]{0,63}: it becomes part of case ids ("/inputs=NAME").
void check_name(const YamlSource& src, const YAML::Node& node, const std::string& key,
                const std::string& name) {
  bool ok = !name.empty() && name.size() <= 64;
  for (std::size_t i = 0; ok && i < name.size(); ++i) {
    const char c = name[i];
    ok = std::isalnum(static_cast<unsigned char>(c)) ||
         (i > 0 && (c == '.' || c == '_' || c == '-'));
  }
  if (!ok)
    src.fail(
        node, key,
        fmt::format("expected 1 to 64 of A-Z a-z 0-9 . _ - (not starting with . _ -), got '{}'",
                    printable(name)));
}

std::shared_ptr<InputArray> read_array(const YamlSource& src, const YAML::Node& node,
                                       const std::string& key) {
  const std::string path = src.resolve_path(key, src.read_string(node, key));
  std::error_code error;
  if (!std::filesystem::is_regular_file(path, error)) {
    src.fail(node, key,
             std::filesystem::exists(path, error) ? fmt::format("{} is not a regular file", path)
                                                  : fmt::format("no file {}", path));
  }
  auto array = std::make_shared<InputArray>();
  try {
    NpyArray npy = read_npy(path);
    if (npy.dtype != "<f4") src.fail(node, key, fmt::format("{}: expected a float32 array", path));
    if (npy.shape.size() != 4) {
      src.fail(
          node, key,
          fmt::format("{}: expected 4 dimensions [batch, heads, positions, head_dim], got ({})",
                      path, fmt::join(npy.shape, ", ")));
    }
    array->shape = npy.shape;
    array->values = std::move(npy.floats);
  } catch (const NpyError& e) {
    src.fail(node, key, e.what());
  }
  src.note_file(key, path);
  return array;
}

void read_files(const YamlSource& src, const YAML::Node& node, const std::string& key,
                InputSet& set) {
  for (const char* name : {"q", "k", "v"}) {
    if (!node[name]) {
      src.fail(node, join_key(key, name), "missing: give q, k and v files together");
    }
  }
  if (node["generator"] || node["seed"]) {
    src.fail(node["generator"] ? node["generator"] : node["seed"], key,
             "a set of files (q, k, v) takes no generator or seed");
  }
  set.generator.clear();
  set.q = read_array(src, node["q"], join_key(key, "q"));
  set.k = read_array(src, node["k"], join_key(key, "k"));
  set.v = read_array(src, node["v"], join_key(key, "v"));
}

void read_generator(const YamlSource& src, const YAML::Node& node, const std::string& key,
                    InputSet& set) {
  std::vector<std::string> names;
  for (const GeneratorInfo& g : input_generators()) names.push_back(g.name);
  if (node["generator"])
    set.generator = src.read_choice(node["generator"], join_key(key, "generator"), names);
  const GeneratorInfo& info = *find_generator(set.generator);
  for (const ParamSpec& p : info.params) set.params.set(p.name, p.default_value);
  src.check_keys(node, key, schema_keys("inputs[]", {"generator=" + set.generator}));
  for (const ParamSpec& p : info.params) {
    if (!node[p.name]) continue;
    const std::string param_key = join_key(key, p.name);
    if (p.type == ParamType::kInt) {
      set.params.set(p.name, src.read_int(node[p.name], param_key, p.min, p.max));
    } else {
      set.params.set(p.name, src.read_float(node[p.name], param_key, static_cast<double>(p.min),
                                            static_cast<double>(p.max)));
    }
  }
  if (node["seed"]) {
    set.seed =
        src.read_int_as<std::uint64_t>(node["seed"], join_key(key, "seed"), 0, Index{1} << 62);
  }
}

InputSet read_set(const YamlSource& src, const YAML::Node& node, const std::string& key,
                  std::uint64_t seed) {
  src.require_map(node, key);
  InputSet set;
  set.seed = seed;
  if (node["q"] || node["k"] || node["v"]) {
    src.check_keys(node, key, schema_keys("inputs[]"));
    read_files(src, node, key, set);
  } else {
    read_generator(src, node, key, set);
  }
  const std::string fallback = set.from_files() ? "files" : set.generator;
  set.name = node["name"] ? src.read_string(node["name"], join_key(key, "name")) : fallback;
  const YAML::Node where = node["name"] ? node["name"] : node;
  check_name(src, where, join_key(key, "name"), set.name);
  if (set.name == "uniform" && set.generator != "uniform") {
    src.fail(where, join_key(key, "name"),
             "the name uniform belongs to the uniform generator (the default inputs); choose "
             "another");
  }
  return set;
}

// Shapes of a file set against one case: the same batch, heads, kv_heads and head_dim, and at
// least the positions the case reads.
void check_shapes(const YamlSource& src, const YAML::Node& node, const std::string& key,
                  const InputSet& set, const Case& c) {
  const Index q_first = first_query_position(c.pattern, c.q_len, c.kv_len);
  const auto check = [&](const char* name, const InputArray& a, Index heads, Index positions) {
    const std::vector<std::int64_t> want = {c.key.batch, heads, positions, c.key.head_dim};
    if (a.shape[0] == want[0] && a.shape[1] == want[1] && a.shape[2] >= want[2] &&
        a.shape[3] == want[3])
      return;
    src.fail(node[name], join_key(key, name),
             fmt::format("case {} needs shape ({}, {}, at least {}, {}), the file holds ({})",
                         c.id(), want[0], want[1], want[2], want[3], fmt::join(a.shape, ", ")));
  };
  check("q", *set.q, c.key.heads, q_first + c.q_len);
  check("k", *set.k, c.key.kv_heads, c.kv_len);
  check("v", *set.v, c.key.kv_heads, c.kv_len);
}

}  // namespace

std::vector<std::shared_ptr<const InputSet>> read_input_sets(const YamlSource& src,
                                                             const YAML::Node& node,
                                                             std::uint64_t seed) {
  std::vector<std::shared_ptr<const InputSet>> sets;
  if (!node) return {std::make_shared<InputSet>(InputSet{.seed = seed})};
  if (node.IsSequence() && node.size() == 0)
    src.fail(node, "inputs", "expected an input set or a non-empty list of them");
  const std::size_t count = node.IsSequence() ? node.size() : 1;
  std::set<std::string> names;
  for (std::size_t i = 0; i < count; ++i) {
    const auto [entry, key] = set_node(node, i);
    InputSet set = read_set(src, entry, key, seed);
    if (!names.insert(set.name).second)
      src.fail(entry, join_key(key, "name"), fmt::format("input set {} is given twice", set.name));
    sets.push_back(std::make_shared<InputSet>(std::move(set)));
  }
  return sets;
}

void attach_input_sets(const YamlSource& src, const YAML::Node& node,
                       const std::vector<std::shared_ptr<const InputSet>>& sets,
                       std::vector<Case>& cases) {
  for (Case& c : cases) {
    for (std::size_t i = 0; i < sets.size(); ++i) {
      if (sets[i]->name != c.key.inputs) continue;
      c.measurement.inputs = sets[i];
      if (sets[i]->from_files() && c.skip_reason.empty()) {
        const auto [entry, key] = set_node(node, i);
        check_shapes(src, entry, key, *sets[i], c);
      }
    }
  }
}

}  // namespace attnbench
