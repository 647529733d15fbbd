// A small sweep run to a folder: records carry the documented fields, and `report` regenerates
// the tables byte for byte from results.jsonl alone.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "config/experiment.hpp"
#include "report/case_table.hpp"
#include "runner/sweep.hpp"

namespace attnbench {
namespace {

std::string slurp(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  std::stringstream text;
  text << file.rdbuf();
  return text.str();
}

class SmallRun : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ =
        std::filesystem::temp_directory_path() / ("attnbench_report_" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir_);
    const Experiment e = load_experiment_text(R"(name: tiny
shape: {heads: 2, head_dim: 32}
seq_len: [100]
executor: [dense, sparse]
threads: 2
repetitions: 2
patterns:
  - {name: sliding_window, params: {radius: 8, causal: true}}
  - {name: dense}
)",
                                              "tiny.yaml", {});
    exit_code_ = run_sweep(e, SweepOptions{.mode = "all", .out_dir = dir_.string()});
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::filesystem::path dir_;
  int exit_code_ = -1;
};

TEST_F(SmallRun, RecordsCarryTheDocumentedFields) {
  ASSERT_EQ(exit_code_, 0);
  const RunResults results = read_results((dir_ / "results.jsonl").string());
  ASSERT_EQ(results.cases.size(), 4u);
  EXPECT_EQ(results.context.experiment, "tiny");
  EXPECT_FALSE(results.context.cpu_model.empty());
  EXPECT_GT(results.context.gemm_gflops.at("2"), 0.0);
  for (const CaseRecord& r : results.cases) {
    EXPECT_EQ(r.status, "passed") << r.id << ": " << r.message;
    ASSERT_TRUE(r.latency_ms.has_value());
    EXPECT_EQ(r.latency_ms->repetitions, 2);
    EXPECT_LE(r.latency_ms->min, r.latency_ms->median);
    EXPECT_LE(r.flops.useful, r.flops.executed);
    EXPECT_LE(r.flops.executed, r.flops.dense);
    ASSERT_TRUE(r.accuracy.has_value());
    EXPECT_LT(r.accuracy->max_abs_err, 1e-4);
    EXPECT_EQ(r.accuracy->rows_checked, 2 * 64);
    EXPECT_GT(r.memory.peak_rss_bytes, 0);
    EXPECT_FALSE(r.impl.empty());
  }
  // radius 8 causal over 100 rows: 100 * 9 - 8 * 9 / 2 pairs per head.
  EXPECT_EQ(results.cases[0].mask.allowed_pairs, 2 * (100 * 9 - 36));
  EXPECT_EQ(results.cases[0].mask.closed_form_pairs, results.cases[0].mask.allowed_pairs);
  EXPECT_EQ(results.cases[0].flops.useful, 4 * 32 * 2 * (100 * 9 - 36));
}

TEST_F(SmallRun, ReportRegeneratesTablesByteForByte) {
  ASSERT_EQ(exit_code_, 0);
  const std::string md = slurp((dir_ / "table.md").string());
  const std::string csv = slurp((dir_ / "table.csv").string());
  ASSERT_FALSE(md.empty());
  std::filesystem::remove(dir_ / "table.md");
  std::filesystem::remove(dir_ / "table.csv");
  write_case_tables(read_results((dir_ / "results.jsonl").string()), dir_.string());
  EXPECT_EQ(slurp((dir_ / "table.md").string()), md);
  EXPECT_EQ(slurp((dir_ / "table.csv").string()), csv);
}

TEST_F(SmallRun, TornLastLineIsIgnored) {
  ASSERT_EQ(exit_code_, 0);
  std::ofstream((dir_ / "results.jsonl").string(), std::ios::app) << R"({"type":"case","id":"x)";
  const RunResults results = read_results((dir_ / "results.jsonl").string());
  EXPECT_EQ(results.cases.size(), 4u);
  EXPECT_EQ(results.torn_lines, 1);
}

}  // namespace
}  // namespace attnbench
