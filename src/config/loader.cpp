// Loads an experiment: parse, reject duplicates, apply --set, check every key and value against
// the schema, then expand the axes into cases (expand.cpp).
#include <fmt/format.h>

#include <fstream>
#include <sstream>

#include "config/expand.hpp"
#include "config/experiment.hpp"

namespace attnbench {

namespace {

const std::vector<std::string> kTopKeys = {
    "name",    "shape",       "seq_len", "kv_len", "block_q",   "block_kv",   "executor",
    "threads", "repetitions", "warmup",  "seed",   "tolerance", "check_rows", "patterns"};
const std::vector<std::string> kShapeKeys = {"batch", "heads", "kv_heads", "head_dim"};
const std::vector<std::string> kExecutors = {"dense", "sparse"};
constexpr Index kMaxLength = Index{1} << 30;

std::string fnv1a_hex(const std::string& text) {
  std::uint64_t hash = 14695981039346656037ull;
  for (unsigned char c : text) hash = (hash ^ c) * 1099511628211ull;
  return fmt::format("{:016x}", hash);
}

std::vector<std::string> read_executors(const YamlSource& src, const YAML::Node& node) {
  std::vector<std::string> result;
  if (node.IsSequence()) {
    if (node.size() == 0) src.fail(node, "executor", "expected a value or a non-empty list");
    for (std::size_t i = 0; i < node.size(); ++i) {
      result.push_back(src.read_choice(node[i], "executor." + std::to_string(i), kExecutors));
    }
    return result;
  }
  return {src.read_choice(node, "executor", kExecutors)};
}

IndexList axis_or(const YamlSource& src, const YAML::Node& map, const std::string& key,
                  const std::string& path, Index fallback, Index min, Index max) {
  if (!map[key]) return {fallback};
  return src.read_int_axis(map[key], path, min, max);
}

Axes read_axes(const YamlSource& src, const YAML::Node& root) {
  Axes axes;
  const YAML::Node shape = root["shape"];
  if (shape) src.check_keys(shape, "shape", kShapeKeys);
  const YAML::Node none;
  const YAML::Node& s = shape ? shape : none;
  axes.batch = axis_or(src, s, "batch", "shape.batch", 1, 1, 4096);
  axes.heads = axis_or(src, s, "heads", "shape.heads", 8, 1, 4096);
  if (s["kv_heads"]) {
    axes.kv_heads = src.read_int_axis(s["kv_heads"], "shape.kv_heads", 1, 4096);
    axes.kv_heads_node = s["kv_heads"];
  }
  axes.head_dim = axis_or(src, s, "head_dim", "shape.head_dim", 64, 1, 1024);
  if (!root["seq_len"]) src.fail(root, "seq_len", "missing: the sequence length(s) to run");
  axes.seq_len = src.read_int_axis(root["seq_len"], "seq_len", 1, kMaxLength);
  if (root["kv_len"]) axes.kv_len = src.read_int_axis(root["kv_len"], "kv_len", 1, kMaxLength);
  axes.block_q = axis_or(src, root, "block_q", "block_q", 64, 1, 4096);
  axes.block_kv = axis_or(src, root, "block_kv", "block_kv", 64, 1, 4096);
  axes.threads = axis_or(src, root, "threads", "threads", 1, 1, 1024);
  axes.executor =
      root["executor"] ? read_executors(src, root["executor"]) : std::vector<std::string>{"sparse"};
  return axes;
}

Measurement read_measurement(const YamlSource& src, const YAML::Node& root) {
  Measurement m;
  if (root["repetitions"])
    m.repetitions = src.read_int(root["repetitions"], "repetitions", 1, 100000);
  if (root["warmup"]) m.warmup = src.read_int(root["warmup"], "warmup", 0, 100000);
  if (root["seed"]) m.seed = src.read_int(root["seed"], "seed", 0, Index{1} << 62);
  if (root["tolerance"]) m.tolerance = src.read_float(root["tolerance"], "tolerance", 0, 1e30);
  if (root["check_rows"])
    m.check_rows = src.read_int(root["check_rows"], "check_rows", 1, kMaxLength);
  return m;
}

std::string default_name(const std::string& path) {
  const std::size_t slash = path.find_last_of('/');
  std::string stem = path.substr(slash == std::string::npos ? 0 : slash + 1);
  const std::size_t dot = stem.find_last_of('.');
  return dot == std::string::npos || dot == 0 ? stem : stem.substr(0, dot);
}

YAML::Node parse_document(const std::string& text, const YamlSource& src) {
  try {
    YAML::Node root = YAML::Load(text);
    if (!root.IsDefined() || root.IsNull()) {
      throw InputError(SourceLocation{src.file(), 0, 0}, "", "the config is empty");
    }
    return root;
  } catch (const YAML::ParserException& e) {
    throw InputError(SourceLocation{src.file(), e.mark.line + 1, e.mark.column + 1}, "",
                     "YAML syntax error: " + e.msg);
  }
}

}  // namespace

Experiment load_experiment_text(const std::string& text, const std::string& source,
                                const std::vector<Override>& overrides) {
  const YamlSource src(source, overrides);
  YAML::Node root = parse_document(text, src);
  src.require_map(root, "");
  src.check_duplicates(root, "");
  for (const Override& o : overrides) apply_override(root, o, src);
  src.check_keys(root, "", kTopKeys);

  Experiment experiment;
  experiment.config_path = source;
  experiment.overrides = overrides;
  experiment.config_hash = fnv1a_hex(YAML::Dump(root));
  experiment.name = root["name"] ? src.read_string(root["name"], "name") : default_name(source);
  const Axes axes = read_axes(src, root);
  const Measurement measurement = read_measurement(src, root);
  if (!root["patterns"] || !root["patterns"].IsSequence() || root["patterns"].size() == 0) {
    src.fail(root["patterns"] ? root["patterns"] : root, "patterns",
             "expected a non-empty list of patterns, each with a name");
  }
  const std::vector<PatternEntry> entries = read_patterns(src, root["patterns"]);
  experiment.cases = expand_cases(src, entries, axes, measurement);
  return experiment;
}

Experiment load_experiment(const std::string& path, const std::vector<Override>& overrides) {
  std::ifstream file(path);
  if (!file) throw InputError(SourceLocation{path, 0, 0}, "", "cannot open the config file");
  std::stringstream text;
  text << file.rdbuf();
  return load_experiment_text(text.str(), path, overrides);
}

}  // namespace attnbench
