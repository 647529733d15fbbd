// The config's declaration table (config/schema.hpp) against the loader: every key it lists is
// one the loader accepts, an unknown key is refused with the table's list, and the defaults it
// prints are the values a config without the key gets.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include "config/experiment.hpp"
#include "config/schema.hpp"

namespace attnbench {
namespace {

const char* kBase = R"(name: t
seq_len: 64
shape: {heads: 2}
patterns:
  - name: dense
)";

// A per_head entry, for the keys of a composition's parts.
const char* kComposed = R"(name: t
seq_len: 64
shape: {heads: 2}
patterns:
  - name: per_head
    of:
      - {name: dense, heads: 2}
)";

// "patterns[].of[].heads" -> "patterns.0.of.0.heads"; "inputs[].seed" -> "inputs.seed" (one
// set given as a map).
std::string concrete(std::string path) {
  for (std::size_t at; (at = path.find("patterns[]")) != std::string::npos;)
    path.replace(at, 10, "patterns.0");
  for (std::size_t at; (at = path.find("of[]")) != std::string::npos;) path.replace(at, 4, "of.0");
  for (std::size_t at; (at = path.find("inputs[]")) != std::string::npos;)
    path.replace(at, 8, "inputs");
  return path;
}

// The overrides that give `key` the map it lives in, then the key itself set to `value`.
std::vector<Override> overrides_for(const ConfigKey& key, const std::string& value) {
  std::vector<Override> overrides;
  if (key.when.rfind("generator=", 0) == 0)
    overrides.push_back({"inputs.generator", key.when.substr(10)});
  overrides.push_back({concrete(key.path), value});
  return overrides;
}

const char* base_for(const ConfigKey& key) {
  return key.path.rfind("patterns[].of", 0) == 0 ? kComposed : kBase;
}

// Null is no valid value for any key: loading must fail on the value, never call the key
// unknown, and name a key at or under the one set.
TEST(ConfigSchema, TheLoaderAcceptsEveryListedKey) {
  ASSERT_GT(config_schema().size(), 40u);
  for (const ConfigKey& key : config_schema()) {
    const std::string top = concrete(key.path).substr(0, concrete(key.path).find('.'));
    try {
      load_experiment_text(base_for(key), "t.yaml", overrides_for(key, "~"));
      ADD_FAILURE() << key.path << ": null was accepted (does the loader read this key?)";
    } catch (const InputError& e) {
      const std::string what = e.what();
      EXPECT_EQ(what.find("unknown key"), std::string::npos) << key.path << ": " << what;
      EXPECT_EQ(what.find("unknown parameter"), std::string::npos) << key.path << ": " << what;
      EXPECT_EQ(e.key().rfind(top, 0), 0u) << key.path << ": " << what;
    }
  }
}

// Each map's unknown key is refused with exactly the table's list of that map's keys.
TEST(ConfigSchema, AnUnknownKeyListsTheTablesKeys) {
  struct Scope {
    std::string parent, setting, base;
    std::vector<std::string> conditions;
  };
  const std::vector<Scope> scopes = {
      {"", "zz_unknown", kBase, {}},
      {"shape", "shape.zz_unknown", kBase, {}},
      {"patterns[]", "patterns.0.zz_unknown", kBase, {}},
      {"shape", "patterns.0.shape.zz_unknown", kBase, {}},
      {"patterns[].of[]", "patterns.0.of.0.zz_unknown", kComposed, {"name=per_head"}},
      {"inputs[]", "inputs.zz_unknown", kBase, {"generator=uniform"}},
  };
  for (const Scope& scope : scopes) {
    const std::string known =
        fmt::format("(known: {})", fmt::join(schema_keys(scope.parent, scope.conditions), ", "));
    try {
      load_experiment_text(scope.base, "t.yaml", {{scope.setting, "1"}});
      ADD_FAILURE() << scope.setting << " was accepted";
    } catch (const InputError& e) {
      EXPECT_NE(std::string(e.what()).find(known), std::string::npos)
          << e.what() << "\nexpected " << known;
    }
  }
  // A generator's own parameters are known with it only.
  const std::vector<std::string> sinks = schema_keys("inputs[]", {"generator=sinks"});
  EXPECT_NE(std::find(sinks.begin(), sinks.end(), "logit"), sinks.end());
  const std::vector<std::string> plain = schema_keys("inputs[]");
  EXPECT_EQ(std::find(plain.begin(), plain.end(), "logit"), plain.end());
}

std::string default_of(const std::string& path) {
  for (const ConfigKey& key : config_schema()) {
    if (key.path == path) return key.default_value;
  }
  ADD_FAILURE() << "no key " << path;
  return "";
}

// What --explain calls the default is what a config that leaves the key out gets.
TEST(ConfigSchema, PrintedDefaultsAreTheLoadersDefaults) {
  const Experiment e =
      load_experiment_text("name: t\nseq_len: 64\npatterns:\n  - name: dense\n", "t.yaml", {});
  ASSERT_EQ(e.cases.size(), 1u);
  const Case& c = e.cases.front();
  const Measurement& m = c.measurement;
  EXPECT_EQ(default_of("repetitions"), fmt::format("{}", m.repetitions));
  EXPECT_EQ(default_of("min_time_ms"), fmt::format("{:g}", m.min_time_ms));
  EXPECT_EQ(default_of("max_repetitions"), fmt::format("{}", m.max_repetitions));
  EXPECT_EQ(default_of("warmup"), fmt::format("{}", m.warmup));
  EXPECT_EQ(default_of("seed"), fmt::format("{}", m.seed));
  EXPECT_EQ(default_of("check_rows"), fmt::format("{}", m.check_rows));
  EXPECT_EQ(default_of("noisy_cv"), fmt::format("{:g}", m.noisy_cv));
  EXPECT_EQ(default_of("baseline"), m.baseline ? "full" : "none");
  EXPECT_FALSE(m.tolerance.has_value());
  EXPECT_EQ(default_of("tolerance"), "per dtype");
  EXPECT_EQ(default_of("shape.heads"), fmt::format("{}", c.key.heads));
  EXPECT_EQ(default_of("shape.batch"), fmt::format("{}", c.key.batch));
  EXPECT_EQ(default_of("shape.head_dim"), fmt::format("{}", c.key.head_dim));
  EXPECT_EQ(default_of("threads"), fmt::format("{}", c.key.threads));
  EXPECT_EQ(default_of("block_q"), fmt::format("{}", c.key.block_q));
  EXPECT_EQ(default_of("executor"), std::string(to_string(c.key.executor)));
  EXPECT_EQ(default_of("dtype"), std::string(to_string(c.key.dtype)));
  EXPECT_EQ(default_of("pass"), std::string(to_string(c.key.pass)));
  EXPECT_EQ(default_of("inputs"), c.key.inputs);
}

}  // namespace
}  // namespace attnbench
