// Loading experiments: sweeps expand as documented, overrides apply, and every kind of mistake
// is an InputError naming the source, line, column and key.
#include <gtest/gtest.h>

#include "config/experiment.hpp"
#include "config_loading.hpp"

namespace attnbench {
namespace {

const char* kValid = R"(name: t
shape: {batch: 1, heads: [2, 4], head_dim: 32}
seq_len: [64, 100]
executor: [dense, sparse]
threads: 2
patterns:
  - name: sliding_window
    params: {causal: true}
    sweep: {radius: [4, 8, 16]}
  - name: dense
)";

TEST(Config, SweepsExpandAsCartesianProduct) {
  const Experiment e = load(kValid);
  // sliding_window: 3 radii x 2 lengths x 2 head counts x 2 executors; dense: 2 x 2 x 2.
  ASSERT_EQ(e.cases.size(), 24u + 8u);
  EXPECT_EQ(e.name, "t");
  EXPECT_EQ(e.cases[0].key.executor, ExecutorKind::kDense);
  EXPECT_EQ(e.cases[1].key.executor, ExecutorKind::kSparse);
  EXPECT_EQ(e.cases[0].key.kv_heads, e.cases[0].key.heads);
  EXPECT_EQ(e.cases[0].kv_len, e.cases[0].q_len);
}

TEST(Config, IdsAreUniqueAndStable) {
  const Experiment a = load(kValid), b = load(kValid);
  std::set<std::string> ids;
  for (std::size_t i = 0; i < a.cases.size(); ++i) {
    EXPECT_EQ(a.cases[i].id(), b.cases[i].id());
    ids.insert(a.cases[i].id());
  }
  EXPECT_EQ(ids.size(), a.cases.size());
  EXPECT_EQ(a.cases[0].id(),
            "sliding_window:radius=4,causal=true,left=-1,right=-1,align=top_left/"
            "b1.h2.kvh2.d32/q64.kv64/bq64.bkv64/dense/t2");
}

TEST(Config, OverridesApplyBeforeValidation) {
  const Experiment e = load(kValid, {{"shape.heads", "8"}, {"patterns.0.params.left", "2"}});
  EXPECT_EQ(e.cases[0].key.heads, 8);
  EXPECT_EQ(e.cases[0].pattern.params.get_int("left"), 2);
  const InputError bad = error_of(kValid, {{"shape.heads", "many"}});
  EXPECT_EQ(bad.where().source, "--set shape.heads=many");
  EXPECT_EQ(bad.key(), "shape.heads");
}

struct BadConfig {
  std::string name, text;
  int line, column;
  std::string key, says;
};

void PrintTo(const BadConfig& c, std::ostream* os) { *os << c.name; }

class ConfigErrors : public ::testing::TestWithParam<BadConfig> {};

TEST_P(ConfigErrors, NameFileLineColumnAndKey) {
  const BadConfig& c = GetParam();
  const InputError e = error_of(c.text);
  EXPECT_EQ(e.where().source, "test.yaml");
  EXPECT_EQ(e.where().line, c.line) << e.what();
  EXPECT_EQ(e.where().column, c.column) << e.what();
  EXPECT_EQ(e.key(), c.key) << e.what();
  EXPECT_NE(std::string(e.what()).find(c.says), std::string::npos) << e.what();
}

INSTANTIATE_TEST_SUITE_P(
    Mistakes, ConfigErrors,
    ::testing::Values(
        BadConfig{"misspelt_key", "seq_len: 64\nthreds: 2\npatterns: [{name: dense}]\n", 2, 1,
                  "threds", "did you mean 'threads'"},
        BadConfig{"unknown_pattern", "seq_len: 64\npatterns:\n  - name: slidng_window\n", 3, 11,
                  "patterns.0.name", "did you mean 'sliding_window'"},
        BadConfig{"unknown_param",
                  "seq_len: 64\npatterns:\n  - name: sliding_window\n    params: {raduis: 3}\n", 4,
                  14, "patterns.0.params.raduis", "did you mean 'radius'"},
        BadConfig{"wrong_type",
                  "seq_len: 64\npatterns:\n  - name: dense\n    params: {causal: 3}\n", 4, 22,
                  "patterns.0.params.causal", "expected true or false"},
        BadConfig{"quoted_number", "seq_len: \"64\"\npatterns: [{name: dense}]\n", 1, 10, "seq_len",
                  "expected an integer"},
        BadConfig{"out_of_range", "seq_len: 0\npatterns: [{name: dense}]\n", 1, 10, "seq_len",
                  "expected an integer in [1,"},
        BadConfig{"duplicate_key",
                  "seq_len: 64\nthreads: 1\nthreads: 2\npatterns: [{name: dense}]\n", 3, 1,
                  "threads", "duplicate key (first given at line 2)"},
        BadConfig{"nested_duplicate",
                  "seq_len: 64\nshape: {heads: 2, heads: 4}\npatterns: [{name: dense}]\n", 2, 19,
                  "shape.heads", "duplicate key"},
        BadConfig{"overflow", "seq_len: 99999999999999999999\npatterns: [{name: dense}]\n", 1, 10,
                  "seq_len", "out of the 64-bit integer range"},
        BadConfig{"bad_executor", "seq_len: 64\nexecutor: sparce\npatterns: [{name: dense}]\n", 2,
                  11, "executor", "did you mean 'sparse'"},
        BadConfig{"syntax", "seq_len: [64\npatterns: [{name: dense}]\n", 2, 9, "",
                  "YAML syntax error"},
        BadConfig{"no_patterns", "seq_len: 64\n", 1, 1, "patterns", "non-empty list"},
        BadConfig{"kv_heads",
                  "seq_len: 64\nshape: {heads: 6, kv_heads: 4}\npatterns: [{name: dense}]\n", 2, 29,
                  "shape.kv_heads", "multiple of kv_heads"},
        BadConfig{"negative_radius",
                  "seq_len: 64\npatterns:\n  - {name: sliding_window, params: {radius: -2}}\n", 3,
                  45, "patterns.0.params.radius", "expected an integer in [0,"}),
    [](const auto& test_param) { return test_param.param.name; });

TEST(Config, PatternEntriesOverrideAxes) {
  const Experiment e = load(R"(seq_len: 64
executor: dense
patterns:
  - {name: dense, seq_len: [128, 256], shape: {heads: 2}, executor: [sparse]}
  - {name: dense, params: {causal: true}}
)");
  ASSERT_EQ(e.cases.size(), 3u);
  EXPECT_EQ(e.cases[0].q_len, 128);
  EXPECT_EQ(e.cases[0].key.heads, 2);
  EXPECT_EQ(e.cases[0].key.executor, ExecutorKind::kSparse);
  EXPECT_EQ(e.cases[2].q_len, 64);
  EXPECT_EQ(e.cases[2].key.heads, 8);
  EXPECT_EQ(e.cases[2].key.executor, ExecutorKind::kDense);
}

TEST(Config, DuplicateCasesAreRejected) {
  const InputError e = error_of("seq_len: 64\npatterns:\n  - {name: dense}\n  - {name: dense}\n");
  EXPECT_NE(std::string(e.what()).find("appears twice"), std::string::npos) << e.what();
  EXPECT_EQ(e.where().line, 4);
}

TEST(Config, EmptyAndMissingFiles) {
  EXPECT_THROW(load(""), InputError);
  EXPECT_THROW(load_experiment("/nonexistent/x.yaml", {}), InputError);
}

}  // namespace
}  // namespace attnbench
