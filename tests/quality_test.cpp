// Quality against full attention (issue 20): full attention keeps everything exactly, nested
// masks never keep less, the sinks generator favours StreamingLLM over a window of the same
// size (and the view shows it), patterns that change lengths say why they have no figures, and
// the generators keep their promises (prefixes, structure).
#include <fmt/format.h>
#include <gtest/gtest.h>

#include "config/experiment.hpp"
#include "inputs/generators.hpp"
#include "report/quality_view.hpp"
#include "runner/cell_runner.hpp"
#include "runner/quality_runner.hpp"

#include <filesystem>

namespace attnbench {
namespace {

const char* kSets =
    "inputs:\n"
    "  - {name: uniform}\n"
    "  - {generator: sinks, seed: 3}\n"
    "  - {generator: rope_local, seed: 4}\n"
    "  - {generator: retrieval, seed: 5, every: 16, min_distance: 40}\n";

// The quality records of a config (one per cell, as --mode quality runs them).
std::vector<CaseRecord> quality_of(const std::string& body, Index seq_len = 256) {
  const Experiment e = load_experiment_text(
      fmt::format("seq_len: {}\nshape: {{heads: 4, kv_heads: 2, head_dim: 32}}\ncheck_rows: 96\n"
                  "{}patterns:\n{}",
                  seq_len, kSets, body),
      "quality.yaml", {});
  std::vector<CaseRecord> records;
  for (const Case& c : quality_cases(e.cases)) {
    records.push_back(run_quality_case(c, CaseOptions{.check = true, .perf = false}));
    EXPECT_EQ(records.back().status, CaseStatus::kPassed) << records.back().message;
  }
  return records;
}

TEST(Quality, FullAttentionKeepsEverythingExactly) {
  const std::vector<CaseRecord> records = quality_of(
      "  - {name: dense, params: {causal: true}}\n  - {name: dense}\n"
      "  - {name: dense, params: {causal: true, align: bottom_right}, kv_len: 320}\n");
  ASSERT_EQ(records.size(), 12u);  // 3 patterns x 4 input sets
  for (const CaseRecord& r : records) {
    ASSERT_TRUE(r.quality) << r.quality_reason;
    const QualityFigures& q = *r.quality;
    EXPECT_EQ(q.rows, 4 * 96);
    EXPECT_EQ(q.recall_mean, 1.0) << r.id();
    EXPECT_EQ(q.recall_min, 1.0) << r.id();
    EXPECT_EQ(q.recall_p10, 1.0) << r.id();
    EXPECT_EQ(q.output_rel_l2, 0.0) << r.id();
    EXPECT_EQ(q.output_rel_l2_max_head, 0.0) << r.id();
    for (double recall : q.recall_per_head) EXPECT_EQ(recall, 1.0);
    EXPECT_EQ(q.inputs, r.key.inputs);
  }
}

TEST(Quality, NestedWindowsNeverKeepLess) {
  const std::vector<CaseRecord> records = quality_of(
      "  - {name: sliding_window, params: {causal: true}, sweep: {radius: [16, 32, 64, 128]}}\n");
  ASSERT_EQ(records.size(), 16u);  // per radius, the four input sets
  for (std::size_t set = 0; set < 4; ++set) {
    for (std::size_t i = 1; i < 4; ++i) {
      const CaseRecord& at = records[i * 4 + set];
      const QualityFigures& smaller = *records[(i - 1) * 4 + set].quality;
      const QualityFigures& larger = *at.quality;
      EXPECT_LE(smaller.recall_mean, larger.recall_mean) << at.id();
      EXPECT_LE(smaller.recall_min, larger.recall_min) << at.id();
      EXPECT_LE(smaller.recall_p10, larger.recall_p10) << at.id();
      for (std::size_t h = 0; h < 4; ++h)
        EXPECT_LE(smaller.recall_per_head[h], larger.recall_per_head[h]);
      EXPECT_LT(smaller.recall_mean, 1.0);
    }
  }
}

double recall_column(const Table& t, const std::string& inputs, const std::string& pattern) {
  for (const std::vector<std::string>& row : t.rows) {
    if (row[0] == inputs && row[1].rfind(pattern, 0) == 0) return std::stod(row[6]);
  }
  ADD_FAILURE() << "no row for " << pattern << " on " << inputs;
  return -1;
}

// StreamingLLM (4 sinks + 60 recent keys) against a causal window with the same 64 keys per
// query (radius 4 + 60 - 1): on the sinks generator it keeps more of full attention's mass.
TEST(Quality, SinksFavourStreamingLlmAtEqualKeysAndTheViewShowsIt) {
  RunResults results;
  results.cases = quality_of(
      "  - {name: streaming_llm, params: {sinks: 4, window: 60}}\n"
      "  - {name: sliding_window, params: {causal: true, radius: 63}}\n",
      512);
  const CaseRecord& streaming = results.cases[1];  // sinks set, streaming_llm
  const CaseRecord& window = results.cases[5];     // sinks set, sliding_window
  ASSERT_EQ(streaming.key.inputs, "sinks");
  ASSERT_EQ(window.key.inputs, "sinks");
  EXPECT_NEAR(streaming.mask.mean_keys, window.mask.mean_keys, 1e-9);
  EXPECT_GT(streaming.quality->recall_mean, window.quality->recall_mean + 0.2);
  EXPECT_LT(streaming.quality->output_rel_l2, window.quality->output_rel_l2);
  ASSERT_TRUE(has_quality(results));
  const Table view = quality_table(results);
  EXPECT_GT(recall_column(view, "sinks", "streaming_llm"),
            recall_column(view, "sinks", "sliding_window"));
  // On uniform noise the two keep about their share of keys alike: the structure does it.
  EXPECT_NEAR(recall_column(view, "uniform", "streaming_llm"),
              recall_column(view, "uniform", "sliding_window"), 0.05);
}

TEST(Quality, LengthChangingPatternsSayWhyTheyHaveNone) {
  const Experiment e = load_experiment_text(
      "seq_len: 256\nshape: {heads: 2, head_dim: 16}\npatterns: [{name: funnel}]\n", "f.yaml", {});
  const CaseRecord r = run_quality_case(quality_cases(e.cases).front(), CaseOptions{});
  EXPECT_FALSE(r.quality);
  EXPECT_EQ(r.status, CaseStatus::kSkipped);
  EXPECT_NE(r.quality_reason.find("full attention on the same inputs is not defined"),
            std::string::npos)
      << r.quality_reason;
}

// `quality: true` in modes check and all: the same object in each executor's record.
TEST(Quality, CopiedIntoEachExecutorsRecord) {
  const Experiment e = load_experiment_text(
      "seq_len: 128\nshape: {heads: 2, head_dim: 16}\nexecutor: [dense, sparse]\nquality: true\n"
      "inputs: {generator: sinks}\npatterns: [{name: sliding_window, params: {radius: 8}}]\n",
      "copied.yaml", {});
  const std::vector<const Case*> cell = {&e.cases[0], &e.cases[1]};
  const std::vector<CaseRecord> records = run_cell(cell, CaseOptions{.check = true, .perf = false});
  ASSERT_EQ(records.size(), 2u);
  ASSERT_TRUE(records[0].quality && records[1].quality);
  EXPECT_EQ(quality_json(*records[0].quality), quality_json(*records[1].quality));
  EXPECT_EQ(records[0].quality->inputs, "sinks");
  EXPECT_GT(records[0].quality->recall_mean, 0.0);
  EXPECT_LT(records[0].quality->recall_mean, 1.0);
  // Read back from the record's JSON.
  EXPECT_EQ(quality_json(*case_from_json(to_json(records[1])).quality),
            quality_json(*records[1].quality));
}

// The first executor skipped by the memory guard (the dense one's n x n scores) leaves the
// figures to the others.
TEST(Quality, MeasuredWhenTheFirstExecutorIsSkipped) {
  const Experiment e = load_experiment_text(
      "seq_len: 2048\nshape: {heads: 2, head_dim: 16}\nexecutor: [dense, sparse]\n"
      "quality: true\npatterns: [{name: sliding_window, params: {radius: 64, causal: true}}]\n",
      "skipped.yaml", {});
  const std::vector<const Case*> cell = {&e.cases[0], &e.cases[1]};
  CaseOptions options;
  options.perf = false;
  options.memory_limit = 8 << 20;  // the dense executor needs 32 MiB of scores
  const std::vector<CaseRecord> records = run_cell(cell, options);
  ASSERT_EQ(records[0].status, CaseStatus::kSkipped) << records[0].message;
  ASSERT_EQ(records[1].status, CaseStatus::kPassed) << records[1].message;
  ASSERT_TRUE(records[1].quality) << records[1].quality_reason;
  EXPECT_GT(records[1].quality->recall_mean, 0.0);
  EXPECT_LT(records[1].quality->recall_mean, 1.0);
}

class Decisions : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("attnbench_decisions_" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  Experiment load(const std::string& pattern) const {
    return load_experiment_text(
        "seq_len: 256\nshape: {heads: 2, head_dim: 16}\ninputs: {generator: rope_local}\n"
        "patterns: [" +
            pattern + "]\n",
        "decisions.yaml", {});
  }

  // Decides on the inputs, writes the decisions, replays them without the inputs' say (the
  // replaying case runs on other inputs), and compares the two masks pair by pair.
  void replays(const std::string& name, const std::string& params) {
    SCOPED_TRACE(name);
    const Experiment e = load(fmt::format("{{name: {}, params: {{{}}}}}", name, params));
    CaseOptions options;
    options.perf = false;
    options.run_dir = dir_.string();
    const CaseRecord r = run_case(e.cases.front(), options);
    ASSERT_EQ(r.status, CaseStatus::kPassed) << r.message;
    ASSERT_FALSE(r.decisions.empty());
    const std::string file = (dir_ / r.decisions).string();
    const Experiment again = load_experiment_text(
        fmt::format("seq_len: 256\nshape: {{heads: 2, head_dim: 16}}\nseed: 99\n"
                    "patterns: [{{name: {}, params: {{{}, replay: {}}}}}]\n",
                    name, params, file),
        "replay.yaml", {});
    const CaseMask decided = build_case_mask(e.cases.front());
    const CaseMask replayed = build_case_mask(again.cases.front());
    const Geometry& g = decided.pattern->geometry();
    for (int h = 0; h < g.heads; ++h) {
      for (Index q = 0; q < g.q_len; ++q) {
        for (Index k = 0; k < g.kv_len; ++k) {
          ASSERT_EQ(decided.pattern->allows(h, q, k), replayed.pattern->allows(h, q, k))
              << "head " << h << " q " << q << " k " << k;
        }
      }
    }
    EXPECT_GT(decided.record.mask.allowed_pairs, 0);
  }

  std::filesystem::path dir_;
};

TEST_F(Decisions, WrittenNextToTheRecordAndReplayedIntoTheSameMask) {
  replays("reformer", "chunk: 32, hashes: 2");
  replays("sinkhorn", "block: 32, causal: true");
  replays("vertical_slash", "vertical: 8, slash: 16, last_q: 16");
  replays("landmark", "mode: infer, block_tokens: 15, top_k: 2, chunk: 32");
}

InputSet generator_set(const std::string& name) {
  InputSet set{.name = name, .generator = name, .seed = 9};
  for (const ParamSpec& p : find_generator(name)->params) set.params.set(p.name, p.default_value);
  return set;
}

// Every generated value depends on its position, not on the length asked for.
TEST(InputGenerators, AShorterSequenceIsAPrefix) {
  for (const std::string name : {"sinks", "rope_local", "retrieval"}) {
    const InputSet set = generator_set(name);
    const InputValues small = make_inputs(set, {1, 2, 1, 8, 100, 300, 200});
    const InputValues large = make_inputs(set, {1, 2, 1, 8, 400, 600, 0});
    for (std::size_t h = 0; h < 2; ++h) {
      for (std::size_t i = 0; i < 100 * 8; ++i)  // query rows 200..299
        ASSERT_EQ(small.q[h * 800 + i], large.q[h * 400 * 8 + 200 * 8 + i]) << name;
    }
    for (std::size_t i = 0; i < 300 * 8; ++i) {
      ASSERT_EQ(small.k[i], large.k[i]) << name;
      ASSERT_EQ(small.v[i], large.v[i]) << name;
    }
  }
}

TEST(InputGenerators, ConfigErrorsAreLocated) {
  const auto error_of = [](const std::string& inputs) -> std::string {
    try {
      load_experiment_text("seq_len: 64\ninputs: " + inputs + "\npatterns: [{name: dense}]\n",
                           "g.yaml", {});
    } catch (const InputError& e) {
      return std::string(e.what());
    }
    return "no error";
  };
  EXPECT_NE(error_of("{generator: sink}").find("inputs.generator"), std::string::npos);
  EXPECT_NE(error_of("{generator: sinks, logits: 3}").find("did you mean 'logit'"),
            std::string::npos);
  EXPECT_NE(error_of("[{generator: sinks}, {generator: sinks}]").find("given twice"),
            std::string::npos);
  EXPECT_NE(error_of("{name: uniform, generator: sinks}").find("belongs to the uniform"),
            std::string::npos);
  EXPECT_NE(error_of("{q: q.npy}").find("inputs.k"), std::string::npos);
}

TEST(InputGenerators, TheSetIsACaseAxisAbsentAtItsDefault) {
  const Experiment e =
      load_experiment_text(std::string("seq_len: 64\nshape: {heads: 2, head_dim: 16}\n") + kSets +
                               "patterns: [{name: dense}]\n",
                           "axis.yaml", {});
  ASSERT_EQ(e.cases.size(), 4u);
  EXPECT_EQ(e.cases[0].id().find("inputs="), std::string::npos);
  EXPECT_EQ(e.cases[1].id().substr(e.cases[1].id().size() - 13), "/inputs=sinks");
  EXPECT_EQ(parse_case_id(e.cases[1].id()), e.cases[1].key);
  EXPECT_EQ(e.cases[3].measurement.inputs->params.get_int("every"), 16);
}

}  // namespace
}  // namespace attnbench
