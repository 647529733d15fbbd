// Loads an experiment: parse, reject duplicates, apply --set, check every key and value against
// the schema, then expand the axes into cases (expand.cpp).
#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "config/expand.hpp"
#include "config/experiment.hpp"
#include "config/inputs.hpp"
#include "config/schema.hpp"
#include "core/file_digest.hpp"
#include "core/npy_read.hpp"
#include "core/plugin_loader.hpp"

namespace attnbench {

namespace {

constexpr Index kMaxLength = Index{1} << 30;

Measurement read_measurement(const YamlSource& src, const YAML::Node& root) {
  Measurement m;
  if (root["repetitions"])
    m.repetitions = src.read_int_as<int>(root["repetitions"], "repetitions", 1, 100000);
  if (root["min_time_ms"])
    m.min_time_ms = src.read_float(root["min_time_ms"], "min_time_ms", 0, 1e9);
  if (root["max_repetitions"]) {
    m.max_repetitions =
        src.read_int_as<int>(root["max_repetitions"], "max_repetitions", 1, 1000000);
  }
  m.max_repetitions = std::max(m.max_repetitions, m.repetitions);
  if (root["warmup"]) m.warmup = src.read_int_as<int>(root["warmup"], "warmup", 0, 100000);
  if (root["interleave_cells"]) {
    m.interleave_cells = src.read_int_as<int>(root["interleave_cells"], "interleave_cells", 1, 64);
  }
  if (root["noisy_cv"]) m.noisy_cv = src.read_float(root["noisy_cv"], "noisy_cv", 0, 1e9);
  if (root["noisy_foreign"])
    m.noisy_foreign = src.read_float(root["noisy_foreign"], "noisy_foreign", 0, 1e9);
  if (root["noisy_canary"])
    m.noisy_canary = src.read_float(root["noisy_canary"], "noisy_canary", 0, 1e9);
  if (root["baseline"]) m.baseline = read_baseline(src, root["baseline"], "baseline");
  if (root["baseline_max_s"])
    m.baseline_max_s = src.read_float(root["baseline_max_s"], "baseline_max_s", 0, 1e12);
  if (root["seed"])
    m.seed = src.read_int_as<std::uint64_t>(root["seed"], "seed", 0, Index{1} << 62);
  if (root["tolerance"]) m.tolerance = src.read_float(root["tolerance"], "tolerance", 0, 1e30);
  if (root["check_rows"])
    m.check_rows = src.read_int(root["check_rows"], "check_rows", 1, kMaxLength);
  if (root["decode_steps"])
    m.decode_steps = src.read_int(root["decode_steps"], "decode_steps", 1, 1 << 20);
  if (root["quality"]) m.quality = src.read_bool(root["quality"], "quality");
  return m;
}

// The size and SHA-256 of every file the experiment reads, for the run's context.
std::vector<InputFile> digest_files(const YamlSource& src) {
  std::vector<InputFile> files;
  for (const auto& [role, path] : src.noted_files()) {
    try {
      files.push_back(digest_file(role, path));
    } catch (const std::runtime_error& e) {
      throw InputError(SourceLocation{src.file(), 0, 0}, role, e.what());
    }
  }
  return files;
}

// `plugins: [PATH, ...]` (or one PATH), relative to the config's folder; loaded before the
// patterns are read, so that theirs are known.
void load_plugins(const YamlSource& src, const YAML::Node& node) {
  const auto load = [&](const YAML::Node& entry, const std::string& key) {
    const std::string path = src.resolve_path(key, src.read_string(entry, key));
    try {
      load_plugin(path);
      src.note_file(key == "plugins" ? "plugins.0" : key, path);
    } catch (const PluginError& e) {
      src.fail(entry, key, e.what());
    }
  };
  if (node.IsScalar()) return load(node, "plugins");
  if (!node.IsSequence()) src.fail(node, "plugins", "expected a list of plugin files (.so)");
  for (std::size_t i = 0; i < node.size(); ++i) load(node[i], "plugins." + std::to_string(i));
}

std::string default_name(const std::string& path) {
  const std::size_t slash = path.find_last_of('/');
  std::string stem = path.substr(slash == std::string::npos ? 0 : slash + 1);
  const std::size_t dot = stem.find_last_of('.');
  return dot == std::string::npos || dot == 0 ? stem : stem.substr(0, dot);
}

// A run name: [A-Za-z0-9][A-Za-z0-9._-]{0,99}, so that results/<name>/ stays inside results/.
bool valid_run_name(const std::string& name) {
  const auto allowed = [](char c, bool first) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
           (!first && (c == '.' || c == '_' || c == '-'));
  };
  if (name.empty() || name.size() > 100) return false;
  for (std::size_t i = 0; i < name.size(); ++i) {
    if (!allowed(name[i], i == 0)) return false;
  }
  return true;
}

std::string read_name(const YamlSource& src, const YAML::Node& root, const std::string& source) {
  std::string name = root["name"] ? src.read_string(root["name"], "name") : default_name(source);
  if (valid_run_name(name)) return name;
  const std::string shown = name.size() > 40 ? name.substr(0, 40) + "..." : name;
  const std::string why = fmt::format(
      "expected 1 to 100 of A-Z a-z 0-9 . _ - (not starting with . _ -), got '{}' ({} "
      "characters)",
      printable(shown), name.size());
  if (root["name"]) src.fail(root["name"], "name", why);
  src.fail(root, "name", why + " from the file name; give the config a `name:`");
}

// YAML::Load reads the first document only and drops the rest silently; YAML::LoadAll loops
// forever on some malformed streams (a fuzzer finding). A `---` line after content starts a
// second document: refused, located.
void refuse_second_document(const std::string& text, const YamlSource& src) {
  bool content = false;
  int line = 0;
  for (std::size_t start = 0; start < text.size();) {
    const std::size_t end = std::min(text.find('\n', start), text.size());
    const std::string_view row(text.data() + start, end - start);
    ++line;
    const bool marker = row.rfind("---", 0) == 0 && (row.size() == 3 || row[3] == ' ');
    if (marker && content) {
      throw InputError(SourceLocation{src.file(), line, 1}, "",
                       "a second YAML document (after ---); a config is one");
    }
    const std::size_t first = row.find_first_not_of(" \t\r");
    content |= !marker && first != std::string_view::npos && row[first] != '#';
    start = end + 1;
  }
}

YAML::Node parse_document(const std::string& text, const YamlSource& src) {
  if (const std::size_t nul = text.find('\0'); nul != std::string::npos) {
    const auto line = 1 + std::count(text.begin(), text.begin() + static_cast<long>(nul), '\n');
    throw InputError(SourceLocation{src.file(), static_cast<int>(line), 0}, "",
                     "a NUL byte: this is not a YAML text file");
  }
  refuse_second_document(text, src);
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
                                const std::vector<Override>& overrides, std::size_t max_cases) {
  const YamlSource parsed(source, overrides);
  YAML::Node root = parse_document(text, parsed);
  parsed.check_bounds(root);
  parsed.require_map(root, "");
  parsed.check_duplicates(root, "");
  std::vector<Override> resolved;  // labels in paths replaced by indices, for locating errors
  for (const Override& o : overrides) resolved.push_back(apply_override(root, o, parsed));
  const YamlSource src(source, resolved);
  if (!overrides.empty()) src.check_bounds(root);
  src.check_keys(root, "", schema_keys(""));

  Experiment experiment;
  experiment.config_path = source;
  experiment.overrides = overrides;
  experiment.config_hash = fmt::format("{:016x}", fnv1a(YAML::Dump(root)));
  experiment.name = read_name(src, root, source);
  if (root["plugins"]) load_plugins(src, root["plugins"]);
  Axes axes = read_axes(src, root, "", Axes{});
  const Measurement measurement = read_measurement(src, root);
  const auto input_sets = read_input_sets(src, root["inputs"], measurement.seed);
  axes.inputs.clear();
  for (const auto& set : input_sets) axes.inputs.push_back(set->name);
  if (!root["patterns"] || !root["patterns"].IsSequence() || root["patterns"].size() == 0) {
    src.fail(root["patterns"] ? root["patterns"] : root, "patterns",
             "expected a non-empty list of patterns, each with a name");
  }
  const std::vector<PatternEntry> entries = read_patterns(src, root["patterns"], axes);
  experiment.cases = expand_cases(src, entries, measurement, max_cases);
  for (const PatternEntry& entry : entries) experiment.entry_labels.push_back(entry.label);
  attach_input_sets(src, root["inputs"], input_sets, experiment.cases);
  experiment.files = digest_files(src);
  return experiment;
}

Experiment load_experiment(const std::string& path, const std::vector<Override>& overrides,
                           std::size_t max_cases) {
  std::error_code error;
  if (std::filesystem::is_directory(path, error)) {
    throw InputError(SourceLocation{path, 0, 0}, "", "a folder, not a config file");
  }
  std::ifstream file(path);
  if (!file) throw InputError(SourceLocation{path, 0, 0}, "", "cannot open the config file");
  std::stringstream text;
  text << file.rdbuf();
  return load_experiment_text(text.str(), path, overrides, max_cases);
}

}  // namespace attnbench
