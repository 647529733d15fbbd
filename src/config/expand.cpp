#include "config/expand.hpp"

#include <fmt/format.h>

#include <limits>
#include <set>
#include <tuple>

#include "config/decode_cases.hpp"
#include "config/labels.hpp"
#include "config/schema.hpp"
#include "core/composite.hpp"
#include "core/errors.hpp"
#include "core/registry.hpp"

namespace attnbench {

namespace {

// patterns.N.replay for patterns.N.params.replay, patterns.N.sweep.replay.I, ...
std::string replay_role(const std::string& key) {
  const std::size_t second_dot = key.find('.', key.find('.') + 1);
  return key.rfind("patterns.", 0) == 0 && second_dot != std::string::npos
             ? key.substr(0, second_dot) + ".replay"
             : key;
}

ParamValue read_param(const YamlSource& src, const YAML::Node& node, const std::string& key,
                      const ParamSpec& spec) {
  switch (spec.type) {
    case ParamType::kBool: return src.read_bool(node, key);
    case ParamType::kInt: return src.read_int(node, key, spec.min, spec.max);
    case ParamType::kFloat:
      return src.read_float(node, key, static_cast<double>(spec.min),
                            static_cast<double>(spec.max));
    case ParamType::kChoice: return src.read_choice(node, key, spec.choices);
    case ParamType::kIntList: return src.read_int_list(node, key, spec.min, spec.max);
    case ParamType::kIntOrList: {
      // One value either way it is written ([128] is 128), so both give the same case id.
      IndexList values = src.read_int_axis(node, key, spec.min, spec.max);
      if (values.size() == 1) return values.front();
      return values;
    }
    case ParamType::kString: {
      if (spec.name != "replay") return src.read_string(node, key);
      // A replay file: relative to the config's folder, recorded with its digest.
      const std::string path = src.resolve_path(key, src.read_string(node, key));
      if (!path.empty()) src.note_file(replay_role(key), path);
      return path;
    }
  }
  src.fail(node, key, "unsupported parameter type");
}

std::vector<std::string> param_names(const PatternInfo& info) {
  std::vector<std::string> names;
  for (const ParamSpec& spec : info.params) names.push_back(spec.name);
  return names;
}

const ParamSpec& spec_of(const PatternInfo& info, const std::string& name) {
  for (const ParamSpec& spec : info.params) {
    if (spec.name == name) return spec;
  }
  throw std::logic_error("no spec " + name);
}

void check_param_keys(const YamlSource& src, const YAML::Node& map, const std::string& key,
                      const PatternInfo& info) {
  src.require_map(map, key);
  const std::vector<std::string> known = param_names(info);
  for (auto it = map.begin(); it != map.end(); ++it) {
    const std::string name = it->first.Scalar();
    if (std::find(known.begin(), known.end(), name) != known.end()) continue;
    const std::string near = closest_name(name, known);
    src.fail(it->first, join_key(key, name),
             fmt::format("unknown parameter '{}' for pattern {}{} (known: {})", name, info.name,
                         near.empty() ? "" : fmt::format(", did you mean '{}'?", near),
                         fmt::join(known, ", ")));
  }
}

const PatternInfo& plugin_or_fail(const YamlSource& src, const YAML::Node& node,
                                  const std::string& key, const std::string& name) {
  if (const PatternInfo* info = find_pattern(name)) return *info;
  std::vector<std::string> known = {"union", "intersection", "per_head"};
  for (const PatternInfo* info : all_patterns()) known.push_back(info->name);
  const std::string near = closest_name(name, known);
  src.fail(node, key,
           fmt::format("unknown pattern '{}'{} (known: {})", name,
                       near.empty() ? "" : fmt::format(", did you mean '{}'?", near),
                       fmt::join(known, ", ")));
}

void read_plugin_params(const YamlSource& src, const YAML::Node& node, const std::string& key,
                        PatternEntry& entry);

std::string read_label(const YamlSource& src, const YAML::Node& node, const std::string& key) {
  std::string label = src.read_string(node, key);
  if (label.empty() || label.size() > 60 || label.find_first_of("\n|") != std::string::npos) {
    src.fail(node, key, "expected a label of 1 to 60 characters without '|' or a line break");
  }
  return label;
}

// Compositions nest (a part may be a union, intersection or per_head itself) this many levels
// deep, the entry's own composition being level 1: deep enough for any mask the public
// libraries build, shallow enough that a runaway file is a located error, not a slow load.
constexpr int kMaxCompositionDepth = 8;

PatternSpec read_composition(const YamlSource& src, const YAML::Node& node, const std::string& key,
                             const std::string& name, int depth);

// One entry of `of:`: a plugin with its params, or (down to kMaxCompositionDepth) a composition.
PatternSpec read_part(const YamlSource& src, const YAML::Node& node, const std::string& key,
                      int depth) {
  if (!node["name"]) src.fail(node, key, "a part needs a name");
  const std::string name = src.read_string(node["name"], join_key(key, "name"));
  if (is_composition(name)) {
    if (depth >= kMaxCompositionDepth) {
      src.fail(node, key,
               fmt::format("a {} nested {} levels deep: compositions nest at most {} levels", name,
                           depth + 1, kMaxCompositionDepth));
    }
    if (node["params"]) {
      src.fail(node["params"], join_key(key, "params"),
               "a composition takes its parts under `of:` (no params of its own)");
    }
    return read_composition(src, node, key, name, depth + 1);
  }
  if (node["of"])
    src.fail(node["of"], join_key(key, "of"), "`of:` belongs to union, intersection and per_head");
  PatternEntry part{.node = node, .key = key};
  part.info = &plugin_or_fail(src, node["name"], join_key(key, "name"), name);
  read_plugin_params(src, node, key, part);
  return PatternSpec{part.info->name, resolve_params(*part.info, part.fixed),
                     param_names(*part.info)};
}

// `of:` — the parts of a union, intersection or per_head composition at nesting level `depth`,
// each a plugin with params or a composition (and, for per_head, its number of heads).
PatternSpec read_composition(const YamlSource& src, const YAML::Node& node, const std::string& key,
                             const std::string& name, int depth) {
  const YAML::Node of = node["of"];
  const std::string of_key = join_key(key, "of");
  if (!of || !of.IsSequence() || of.size() < (name == "per_head" ? 1u : 2u)) {
    src.fail(
        of ? of : node, of_key,
        name == "per_head" ? "expected a list of parts" : "expected a list of at least two parts");
  }
  PatternSpec spec{.name = name};
  for (std::size_t i = 0; i < of.size(); ++i) {
    const std::string part_key = join_key(of_key, std::to_string(i));
    src.check_keys(of[i], part_key, schema_keys("patterns[].of[]", {"name=" + name}));
    spec.parts.push_back(read_part(src, of[i], part_key, depth));
    if (name == "per_head") {
      if (!of[i]["heads"])
        src.fail(of[i], join_key(part_key, "heads"), "missing: how many heads this part covers");
      spec.head_counts.push_back(
          src.read_int(of[i]["heads"], join_key(part_key, "heads"), 1, 4096));
    }
  }
  return spec;
}

PatternEntry read_entry(const YamlSource& src, const YAML::Node& node, const std::string& key,
                        const Axes& experiment_axes) {
  src.check_keys(node, key, schema_keys("patterns[]"));
  if (!node["name"]) src.fail(node, key, "a pattern needs a name");
  PatternEntry entry{.axes = read_axes(src, node, key, experiment_axes), .node = node, .key = key};
  if (node["baseline"])
    entry.baseline = read_baseline(src, node["baseline"], join_key(key, "baseline"));
  if (node["label"]) entry.label = read_label(src, node["label"], join_key(key, "label"));
  if (entry.axes.seq_len.empty()) {
    src.fail(node, join_key(key, "seq_len"),
             "missing: give seq_len at the top level or in this pattern entry");
  }
  const std::string name = src.read_string(node["name"], join_key(key, "name"));
  if (is_composition(name)) {
    if (node["params"] || node["sweep"]) {
      src.fail(node, key,
               "a composition takes its parts under `of:` (no params or sweep of its own)");
    }
    entry.composite = read_composition(src, node, key, name, 1);
    return entry;
  }
  entry.info = &plugin_or_fail(src, node["name"], join_key(key, "name"), name);
  if (node["of"])
    src.fail(node["of"], join_key(key, "of"), "`of:` belongs to union, intersection and per_head");
  read_plugin_params(src, node, key, entry);
  return entry;
}

void read_plugin_params(const YamlSource& src, const YAML::Node& node, const std::string& key,
                        PatternEntry& entry) {
  if (const YAML::Node params = node["params"]) {
    const std::string params_key = join_key(key, "params");
    check_param_keys(src, params, params_key, *entry.info);
    for (auto it = params.begin(); it != params.end(); ++it) {
      const std::string pname = it->first.Scalar();
      const std::string pkey = join_key(params_key, pname);
      entry.fixed.emplace_back(pname,
                               read_param(src, it->second, pkey, spec_of(*entry.info, pname)));
      entry.origin[pname] = {it->second, pkey};
    }
  }
  if (const YAML::Node sweep = node["sweep"]) {
    const std::string sweep_key = join_key(key, "sweep");
    check_param_keys(src, sweep, sweep_key, *entry.info);
    for (auto it = sweep.begin(); it != sweep.end(); ++it) {
      const std::string pname = it->first.Scalar();
      const std::string pkey = join_key(sweep_key, pname);
      if (entry.origin.count(pname)) src.fail(it->first, pkey, "given under both params and sweep");
      if (!it->second.IsSequence() || it->second.size() == 0) {
        src.fail(it->second, pkey, "a swept parameter takes a non-empty list of values");
      }
      std::vector<ParamValue> values;
      for (std::size_t i = 0; i < it->second.size(); ++i) {
        values.push_back(read_param(src, it->second[i], join_key(pkey, std::to_string(i)),
                                    spec_of(*entry.info, pname)));
      }
      entry.sweeps.emplace_back(pname, std::move(values));
      entry.origin[pname] = {it->second, pkey};
    }
  }
}

// The cartesian product of an entry's swept parameters, each combination with the fixed ones.
std::vector<std::vector<std::pair<std::string, ParamValue>>> param_combinations(
    const PatternEntry& entry) {
  std::vector<std::vector<std::pair<std::string, ParamValue>>> combos = {entry.fixed};
  for (const auto& [name, values] : entry.sweeps) {
    std::vector<std::vector<std::pair<std::string, ParamValue>>> next;
    for (const auto& combo : combos) {
      for (const ParamValue& value : values) {
        next.push_back(combo);
        next.back().emplace_back(name, value);
      }
    }
    combos = std::move(next);
  }
  return combos;
}

// The entry's pattern specs: one per combination of its swept parameters, or its composition.
std::vector<PatternSpec> pattern_specs(const PatternEntry& entry) {
  if (entry.composite) return {*entry.composite};
  std::vector<PatternSpec> specs;
  for (const auto& combo : param_combinations(entry)) {
    specs.push_back(PatternSpec{entry.info->name, resolve_params(*entry.info, combo),
                                param_names(*entry.info)});
  }
  return specs;
}

bool overflows(std::initializer_list<Index> factors) {
  Index product = 1;
  for (Index f : factors) {
    if (__builtin_mul_overflow(product, f, &product)) return true;
  }
  return false;
}

// Locates a plugin's ParamError at the parameter it names (or the entry) and fails.
[[noreturn]] void fail_param(const YamlSource& src, const PatternEntry& entry,
                             const ParamError& e) {
  if (entry.composite) src.fail(entry.node["of"], join_key(entry.key, "of"), e.what());
  auto it = entry.origin.find(e.param());
  if (it == entry.origin.end()) src.fail(entry.node, join_key(entry.key, e.param()), e.what());
  src.fail(it->second.first, it->second.second, e.what());
}

// A decode case runs its pattern at absolute positions up to the final length; a pattern that
// changes the executed lengths is recorded skipped at run time, not instantiated here.
std::optional<ParamError> validate_decode_case(const YamlSource& src, const PatternEntry& entry,
                                               Case& c) {
  prepare_decode_case(src, entry, c);
  const Index final_length = c.kv_len + c.measurement.decode_steps * c.q_len;
  if (!entry.composite && entry.info->lengths) return std::nullopt;
  try {
    instantiate(c.pattern, final_length, final_length, c.heads());
  } catch (const ParamError& e) {
    return e;
  }
  return std::nullopt;
}

// Errors of the config throw; a ParamError, returned, says the pattern cannot take this point
// (a window longer than the sequence): the caller decides whether that is an error.
std::optional<ParamError> validate_case(const YamlSource& src, const PatternEntry& entry, Case& c) {
  check_decode_policy(src, entry, c);
  if (c.key.pass == Pass::kDecode) return validate_decode_case(src, entry, c);
  // Patterns that derive their executed lengths from seq_len alone (longt5, etc, funnel,
  // landmark, bi_blosan) cannot take another kv_len: two ids would run one problem.
  if (!entry.composite && entry.info->lengths && c.key.seq_kv_len != c.key.seq_len) {
    const YAML::Node own = entry.node["kv_len"];
    src.fail(own ? own : entry.node, own ? join_key(entry.key, "kv_len") : "kv_len",
             fmt::format("pattern {} derives its key length from seq_len; it cannot take a kv_len "
                         "({}) other than seq_len ({})",
                         entry.info->name, c.key.seq_kv_len, c.key.seq_len));
  }
  try {
    std::tie(c.q_len, c.kv_len) = executed_lengths(c.pattern, c.key.seq_len, c.key.seq_kv_len);
  } catch (const ParamError& e) {
    std::tie(c.q_len, c.kv_len) = std::pair(c.key.seq_len, c.key.seq_kv_len);
    return e;
  }
  if (overflows({4, c.key.head_dim, c.key.batch, c.key.heads, c.q_len, c.kv_len})) {
    src.fail(entry.node, entry.key,
             "the FLOP count of this case overflows 64-bit arithmetic (batch x heads x q_len x "
             "kv_len x head_dim too large)");
  }
  try {
    instantiate(c.pattern, c.q_len, c.kv_len, c.heads());
  } catch (const ParamError& e) {
    return e;
  }
  return std::nullopt;
}

// The points an entry expands to: its parameter combinations times its axes' product.
std::size_t entry_points(const PatternEntry& entry, std::size_t axis_points) {
  std::size_t combinations = 1;
  if (!entry.composite) {
    for (const auto& sweep : entry.sweeps) combinations *= sweep.second.size();
  }
  return combinations * axis_points;
}

// What a skipped point's record says: the key the refused value came from, and why.
std::string skip_reason(const PatternEntry& entry, const ParamError& e) {
  const auto it = entry.origin.find(e.param());
  const std::string key = entry.composite            ? join_key(entry.key, "of")
                          : it == entry.origin.end() ? join_key(entry.key, e.param())
                                                     : it->second.second;
  return fmt::format("the pattern cannot take this point of the sweep ({}): {}", key, e.what());
}

}  // namespace

ParamValues params_from_overrides(const PatternInfo& info, const std::vector<Override>& overrides) {
  const YamlSource src("", overrides);
  std::vector<std::pair<std::string, ParamValue>> values;
  YAML::Node params(YAML::NodeType::Map);
  for (const Override& o : overrides) {
    try {
      params[o.path] = YAML::Load(o.text);
    } catch (const YAML::Exception& e) {
      src.fail(YAML::Node(), o.path, "the value is not valid YAML: " + e.msg);
    }
  }
  check_param_keys(src, params, "", info);
  for (const Override& o : overrides) {
    values.emplace_back(o.path, read_param(src, params[o.path], o.path, spec_of(info, o.path)));
  }
  return resolve_params(info, values);
}

std::vector<PatternEntry> read_patterns(const YamlSource& src, const YAML::Node& list,
                                        const Axes& experiment_axes) {
  std::vector<PatternEntry> entries;
  std::map<std::string, std::string> labelled;  // label -> the entry that has it
  for (std::size_t i = 0; i < list.size(); ++i) {
    entries.push_back(read_entry(src, list[i], "patterns." + std::to_string(i), experiment_axes));
    const PatternEntry& entry = entries.back();
    if (entry.label.empty()) continue;
    const auto [it, fresh] = labelled.emplace(entry.label, entry.key);
    if (!fresh) {
      src.fail(entry.node["label"], join_key(entry.key, "label"),
               fmt::format("label '{}' is already the label of {}", entry.label, it->second));
    }
  }
  return entries;
}

std::size_t count_cases(const std::vector<PatternEntry>& entries) {
  constexpr std::size_t kSaturated = std::numeric_limits<std::size_t>::max();
  std::size_t total = 0;
  for (const PatternEntry& entry : entries) {
    std::size_t n = 1;
    const auto times = [&](std::size_t factor) {
      if (__builtin_mul_overflow(n, factor, &n)) n = kSaturated;
    };
    if (!entry.composite) {
      for (const auto& sweep : entry.sweeps) times(sweep.second.size());
    }
    const Axes& a = entry.axes;
    for (const IndexList* list : {&a.seq_len, &a.kv_len, &a.batch, &a.heads, &a.kv_heads,
                                  &a.head_dim, &a.block_q, &a.block_kv, &a.threads}) {
      times(list->size());
    }
    times(a.executor.size());
    times(a.dtype.size());
    times(a.pass.size());
    times(a.decode_policy.size());
    times(a.inputs.size());
    if (__builtin_add_overflow(total, n, &total)) total = kSaturated;
  }
  return total;
}

std::vector<Case> expand_cases(const YamlSource& src, const std::vector<PatternEntry>& entries,
                               const Measurement& measurement, std::size_t max_cases) {
  if (const std::size_t count = count_cases(entries); count > max_cases) {
    const YAML::Node where = entries.empty() ? YAML::Node() : entries.front().node;
    src.fail(
        where, entries.empty() ? "" : entries.front().key,
        fmt::format("the experiment expands to {} cases, more than the {} allowed (raise the "
                    "limit with --max-cases)",
                    count == std::numeric_limits<std::size_t>::max() ? std::string("more than 2^64")
                                                                     : std::to_string(count),
                    max_cases));
  }
  std::vector<Case> cases;
  cases.reserve(count_cases(entries));
  std::set<std::string> ids;
  for (std::size_t index = 0; index < entries.size(); ++index) {
    const PatternEntry& entry = entries[index];
    std::set<std::string> swept;
    for (const auto& sweep : entry.sweeps) swept.insert(sweep.first);
    const std::size_t points = entry_points(entry, axis_product(entry.axes).size());
    std::size_t refused = 0;
    for (const PatternSpec& spec : pattern_specs(entry)) {
      Case base;
      base.pattern = spec;
      base.label = spec_label(spec, swept, entry.label);
      base.entry = index;
      base.measurement = measurement;
      base.measurement.baseline = entry.baseline.value_or(measurement.baseline);
      for (CaseKey& point : axis_product(entry.axes)) {
        Case c = base;
        point.spec = spec.text();
        c.key = std::move(point);
        if (c.key.heads % c.key.kv_heads != 0) {
          src.fail(entry.axes.kv_heads_node, "shape.kv_heads",
                   fmt::format("heads ({}) must be a multiple of kv_heads ({})", c.key.heads,
                               c.key.kv_heads));
        }
        // A sweep bends around a point its pattern cannot take (a skipped case); an entry of
        // one point, or a sweep none of whose points fit, is a mistake in the config.
        if (const std::optional<ParamError> e = validate_case(src, entry, c)) {
          if (points == 1) fail_param(src, entry, *e);
          if (++refused == points) {
            fail_param(src, entry,
                       ParamError(e->param(), fmt::format("none of the entry's {} points fits "
                                                          "the pattern (the last: {})",
                                                          points, e->what())));
          }
          c.skip_reason = skip_reason(entry, *e);
        }
        if (!ids.insert(c.id()).second) {
          src.fail(entry.node, entry.key,
                   fmt::format("case {} appears twice in this experiment", c.id()));
        }
        cases.push_back(std::move(c));
      }
    }
  }
  return cases;
}

}  // namespace attnbench
