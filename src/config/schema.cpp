#include "config/schema.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "config/axes.hpp"
#include "core/case.hpp"
#include "inputs/generators.hpp"

namespace attnbench {

namespace {

// An axis default: its values, or `zero` where 0 stands for "the same as another axis".
std::string axis_default(const IndexList& values, const std::string& zero = {}) {
  if (values.size() == 1 && values.front() == 0 && !zero.empty()) return zero;
  return fmt::format("{}", fmt::join(values, ", "));
}

template <NamedEnum Enum>
std::string enum_default(const std::vector<Enum>& values) {
  std::vector<std::string> names;
  for (Enum value : values) names.emplace_back(to_string(value));
  return fmt::format("{}", fmt::join(names, ", "));
}

// The axes, top level; read_patterns' entries accept each of them too (generated below).
std::vector<ConfigKey> axis_keys_declared() {
  const Axes a;
  std::vector<std::string> executors = enum_names<ExecutorKind>();
  // The reference is not timed: the loader names the modes that give its figures instead.
  executors.erase(std::remove(executors.begin(), executors.end(), "reference"), executors.end());
  const std::string ints = "int or list of ints";
  return {
      {"shape", "map", "", "batch, heads, kv_heads, head_dim (each a sweep axis)"},
      {"shape.batch", ints, axis_default(a.batch), "batch size, in [1, 4096]"},
      {"shape.heads", ints, axis_default(a.heads), "query heads, in [1, 4096]"},
      {"shape.kv_heads", ints, axis_default(a.kv_heads, "heads"),
       "key-value heads (grouped-query attention); must divide heads"},
      {"shape.head_dim", ints, axis_default(a.head_dim), "channels per head, in [1, 1024]"},
      {"seq_len", ints, axis_default(a.seq_len),
       "query length (required: here or in every entry); pass decode: new tokens per step"},
      {"kv_len", ints, axis_default(a.kv_len, "seq_len"),
       "key length; pass decode: the tokens cached before the first step (required there)"},
      {"block_q", ints, axis_default(a.block_q), "query rows per tile of the block layout"},
      {"block_kv", ints, axis_default(a.block_kv), "keys per tile of the block layout"},
      {"threads", ints, axis_default(a.threads), "OpenMP threads a case runs on"},
      {"executor", "name or list", enum_default(a.executor),
       "who computes attention: sparse skips what the mask removes, dense computes all n^2 scores "
       "and masks them",
       executors},
      {"dtype", "name or list", enum_default(a.dtype),
       "storage of Q, K, V, O (README: bf16); f32 only for backward, train and decode",
       enum_names<DataType>()},
      {"pass", "name or list", enum_default(a.pass),
       "what is timed: the forward pass, the gradients, both, or decoding with a key-value cache",
       enum_names<Pass>()},
      {"decode_policy", "name or list", enum_default(a.decode_policy),
       "pass decode: keep a key-value cache, or re-encode the last window every step",
       enum_names<DecodePolicy>()},
  };
}

std::vector<ConfigKey> measurement_keys() {
  const Measurement m;
  return {
      {"repetitions", "int", fmt::format("{}", m.repetitions),
       "timed samples per executor, at least (with min_time_ms)"},
      {"min_time_ms", "number", fmt::format("{:g}", m.min_time_ms),
       "the timed samples of an executor add up to at least this"},
      {"max_repetitions", "int", fmt::format("{}", m.max_repetitions),
       "rounds at most, whatever min_time_ms asks (raised to repetitions)"},
      {"warmup", "int", fmt::format("{}", m.warmup), "untimed runs of each executor first"},
      {"interleave_cells", "int", fmt::format("{}", m.interleave_cells),
       "consecutive small cells (at most 64 MiB each) timed in interleaved rounds; 1: each cell on "
       "its own"},
      {"noisy_cv", "number", fmt::format("{:g}", m.noisy_cv),
       "a case is noisy above this coefficient of variation"},
      {"noisy_foreign", "number", fmt::format("{:g}", m.noisy_foreign),
       "... or when other processes took this share of the cores during its rounds"},
      {"noisy_canary", "number", fmt::format("{:g}", m.noisy_canary),
       "... or when the canaries between its rounds ran this much slower than the fastest"},
      {"baseline",
       "name",
       m.baseline ? "full" : "none",
       "full: measure full attention beside every timed case (speedup_vs_full); none: do not",
       {"full", "none"}},
      {"baseline_max_s", "number", fmt::format("{:g}", m.baseline_max_s),
       "a baseline predicted (from the GEMM probe) to take longer is skipped"},
      {"seed", "int", fmt::format("{}", m.seed), "seed of the generated inputs"},
      {"tolerance", "number", m.tolerance ? fmt::format("{:g}", *m.tolerance) : "per dtype",
       "max abs error against the reference for a check to pass (f32: 1e-4; bf16: 1e-2 x "
       "max|O_ref|)"},
      {"check_rows", "int", fmt::format("{}", m.check_rows),
       "query rows per (batch, head) the check compares"},
      {"decode_steps", "int", fmt::format("{}", m.decode_steps),
       "pass decode: timed steps per repetition"},
      {"quality", "bool", m.quality ? "true" : "false",
       "add recall and output error against full attention to each record (modes check, all)"},
  };
}

std::vector<ConfigKey> entry_keys_declared() {
  return {
      {"patterns", "list", "",
       "the pattern entries (required); each may override any axis for itself"},
      {"patterns[].name", "name", "",
       "a registered pattern (attnbench patterns), or union, intersection, per_head"},
      {"patterns[].label", "string", "generated",
       "what tables and progress lines call the entry's cases; unique in a config"},
      {"patterns[].params", "map", "the pattern's",
       "fixed parameter values; each pattern's names, types and defaults: attnbench patterns"},
      {"patterns[].sweep", "map of lists", "",
       "swept parameters: each value a list, expanded into cases; a point the pattern cannot "
       "take is a skipped case"},
      {"patterns[].of", "list", "", "the parts of union, intersection or per_head"},
      {"patterns[].of[].name", "name", "",
       "a registered pattern, or union, intersection, per_head (nested up to 8 levels)"},
      {"patterns[].of[].params", "map", "the pattern's", "the part's parameters"},
      {"patterns[].of[].of", "list", "",
       "a nested composition's parts, with the keys of patterns[].of[]"},
      {"patterns[].of[].heads",
       "int",
       "",
       "the heads this part covers (required)",
       {},
       "name=per_head"},
      {"patterns[].baseline", "name", "top level", "this entry's own baseline", {"full", "none"}},
  };
}

std::vector<ConfigKey> input_keys() {
  std::vector<std::string> generators;
  for (const GeneratorInfo& g : input_generators()) generators.push_back(g.name);
  std::vector<ConfigKey> keys = {
      {"inputs", "map or list", "uniform",
       "input sets (a case axis): a seeded generator or .npy files each; README: Input sets"},
      {"inputs[].name", "string", "generator or files",
       "the set's name, in case ids (left out of them for uniform)"},
      {"inputs[].generator", "name", "uniform",
       "how the set is made; constructions: attnbench inputs", generators},
      {"inputs[].seed", "int", "seed", "the generator's seed"},
      {"inputs[].q", "path", "", ".npy float32 [batch, heads, positions, head_dim], with k, v"},
      {"inputs[].k", "path", "", ".npy float32 [batch, kv_heads, positions, head_dim]"},
      {"inputs[].v", "path", "", ".npy float32 [batch, kv_heads, positions, head_dim]"},
  };
  for (const GeneratorInfo& g : input_generators()) {
    for (const ParamSpec& p : g.params) {
      keys.push_back({"inputs[]." + p.name,
                      type_name(p.type),
                      format_value(p.default_value),
                      p.help,
                      {},
                      "generator=" + g.name});
    }
  }
  return keys;
}

std::vector<ConfigKey> build_schema() {
  std::vector<ConfigKey> keys = {
      {"name", "string", "the file's stem", "results go to results/<name>/<UTC time>/"},
      {"plugins", "path or list", "", "out-of-tree pattern plugins (.so), relative to the config"},
  };
  const std::vector<ConfigKey> axes = axis_keys_declared();
  keys.insert(keys.end(), axes.begin(), axes.end());
  for (const ConfigKey& k : measurement_keys()) keys.push_back(k);
  for (const ConfigKey& k : input_keys()) keys.push_back(k);
  for (const ConfigKey& k : entry_keys_declared()) keys.push_back(k);
  for (ConfigKey k : axes) {  // an entry's own axes
    k.path = "patterns[]." + k.path;
    k.default_value = "top level";
    k.meaning = "this entry's own " + k.path.substr(11);
    keys.push_back(std::move(k));
  }
  return keys;
}

}  // namespace

const std::vector<ConfigKey>& config_schema() {
  static const std::vector<ConfigKey> schema = build_schema();
  return schema;
}

std::vector<std::string> schema_keys(const std::string& parent,
                                     const std::vector<std::string>& conditions) {
  const std::string prefix = parent.empty() ? "" : parent + ".";
  std::vector<std::string> names;
  for (const ConfigKey& k : config_schema()) {
    if (k.path.size() <= prefix.size() || k.path.compare(0, prefix.size(), prefix) != 0) continue;
    const std::string name = k.path.substr(prefix.size());
    if (name.find_first_of(".[") != std::string::npos) continue;  // deeper down
    const bool applies = k.when.empty() || std::find(conditions.begin(), conditions.end(),
                                                     k.when) != conditions.end();
    if (applies && std::find(names.begin(), names.end(), name) == names.end())
      names.push_back(name);
  }
  return names;
}

}  // namespace attnbench
