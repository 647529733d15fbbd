#include "config/expand.hpp"

#include <fmt/format.h>

#include <limits>

#include "core/errors.hpp"

namespace attnbench {

namespace {

const std::vector<std::string> kEntryKeys = {"name", "params", "sweep"};

ParamValue read_param(const YamlSource& src, const YAML::Node& node, const std::string& key,
                      const ParamSpec& spec) {
  switch (spec.type) {
    case ParamType::kBool:
      return src.read_bool(node, key);
    case ParamType::kInt:
      return src.read_int(node, key, spec.min, spec.max);
    case ParamType::kFloat:
      return src.read_float(node, key, static_cast<double>(spec.min),
                            static_cast<double>(spec.max));
    case ParamType::kChoice:
      return src.read_choice(node, key, spec.choices);
    case ParamType::kIntList:
      return src.read_int_list(node, key, spec.min, spec.max);
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

PatternEntry read_entry(const YamlSource& src, const YAML::Node& node, const std::string& key) {
  src.check_keys(node, key, kEntryKeys);
  if (!node["name"]) src.fail(node, key, "a pattern needs a name");
  PatternEntry entry{.node = node, .key = key};
  const std::string name = src.read_string(node["name"], join_key(key, "name"));
  entry.info = find_pattern(name);
  if (entry.info == nullptr) {
    std::vector<std::string> known;
    for (const PatternInfo* info : all_patterns()) known.push_back(info->name);
    const std::string near = closest_name(name, known);
    src.fail(node["name"], join_key(key, "name"),
             fmt::format("unknown pattern '{}'{} (known: {})", name,
                         near.empty() ? "" : fmt::format(", did you mean '{}'?", near),
                         fmt::join(known, ", ")));
  }
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
  return entry;
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

bool overflows(std::initializer_list<Index> factors) {
  Index product = 1;
  for (Index f : factors) {
    if (__builtin_mul_overflow(product, f, &product)) return true;
  }
  return false;
}

void validate_case(const YamlSource& src, const PatternEntry& entry, const Case& c) {
  if (overflows({4, c.shape.head_dim, c.shape.batch, c.shape.heads, c.q_len, c.kv_len})) {
    src.fail(entry.node, entry.key,
             "the FLOP count of this case overflows 64-bit arithmetic (batch x heads x q_len x "
             "kv_len x head_dim too large)");
  }
  try {
    const Geometry geometry =
        make_geometry(c.q_len, c.kv_len, static_cast<int>(c.shape.heads), c.pattern.params);
    entry.info->make(geometry, c.pattern.params);
  } catch (const ParamError& e) {
    auto it = entry.origin.find(e.param());
    if (it == entry.origin.end()) src.fail(entry.node, join_key(entry.key, e.param()), e.what());
    src.fail(it->second.first, it->second.second, e.what());
  }
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

std::vector<PatternEntry> read_patterns(const YamlSource& src, const YAML::Node& list) {
  std::vector<PatternEntry> entries;
  for (std::size_t i = 0; i < list.size(); ++i) {
    entries.push_back(read_entry(src, list[i], "patterns." + std::to_string(i)));
  }
  return entries;
}

std::vector<Case> expand_cases(const YamlSource& src, const std::vector<PatternEntry>& entries,
                               const Axes& axes, const Measurement& measurement) {
  std::vector<Case> cases;
  for (const PatternEntry& entry : entries) {
    for (const auto& combo : param_combinations(entry)) {
      Case base;
      base.pattern = PatternSpec{entry.info->name, resolve_params(*entry.info, combo)};
      base.param_order = param_names(*entry.info);
      base.measurement = measurement;
      for (Index q : axes.seq_len)
        for (Index kv : axes.kv_len.empty() ? IndexList{q} : axes.kv_len)
          for (Index b : axes.batch)
            for (Index h : axes.heads)
              for (Index kvh : axes.kv_heads.empty() ? IndexList{h} : axes.kv_heads)
                for (Index d : axes.head_dim)
                  for (Index bq : axes.block_q)
                    for (Index bkv : axes.block_kv)
                      for (Index t : axes.threads)
                        for (const std::string& executor : axes.executor) {
                          Case c = base;
                          c.shape = Shape{b, h, kvh, d};
                          c.q_len = q;
                          c.kv_len = kv;
                          c.block_q = bq;
                          c.block_kv = bkv;
                          c.threads = static_cast<int>(t);
                          c.executor = executor;
                          if (h % kvh != 0) {
                            src.fail(axes.kv_heads_node, "shape.kv_heads",
                                     fmt::format("heads ({}) must be a multiple of kv_heads ({})",
                                                 h, kvh));
                          }
                          validate_case(src, entry, c);
                          cases.push_back(std::move(c));
                        }
    }
  }
  return cases;
}

}  // namespace attnbench
