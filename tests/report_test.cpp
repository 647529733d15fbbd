// A small sweep run to a folder: records carry the documented fields, and `report` regenerates
// the tables byte for byte from results.jsonl alone.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "config/experiment.hpp"
#include "report/case_table.hpp"
#include "report/compare.hpp"
#include "report/table.hpp"
#include "report/views.hpp"
#include "report/write_reports.hpp"
#include "runner/case_runner.hpp"
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
    exit_code_ = run_sweep(e, SweepOptions{.mode = RunMode::kAll, .out_dir = dir_.string()});
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::filesystem::path dir_;
  int exit_code_ = -1;
};

TEST_F(SmallRun, RecordsCarryTheDocumentedFields) {
  ASSERT_EQ(exit_code_, 0);
  const RunResults results = read_results((dir_ / "results.jsonl").string());
  ASSERT_EQ(results.cases.size(), 5u);  // 4 cases and the causal window's full attention
  EXPECT_EQ(results.context.experiment, "tiny");
  EXPECT_FALSE(results.context.cpu_model.empty());
  EXPECT_GT(results.context.gemm_gflops.at("2"), 0.0);
  for (const CaseRecord& r : results.cases) {
    EXPECT_EQ(r.status, CaseStatus::kPassed) << r.id() << ": " << r.message;
    ASSERT_TRUE(r.latency_ms.has_value());
    EXPECT_GE(r.latency_ms->repetitions, 2);
    EXPECT_EQ(r.latency_ms->samples.size(), static_cast<std::size_t>(r.latency_ms->repetitions));
    ASSERT_TRUE(r.noise.has_value());
    EXPECT_LE(r.latency_ms->min, r.latency_ms->median);
    EXPECT_LE(r.flops.useful, r.flops.executed);
    EXPECT_LE(r.flops.executed, r.flops.dense);
    ASSERT_TRUE(r.accuracy.has_value());
    EXPECT_LT(r.accuracy->max_abs_err, 1e-4);
    EXPECT_EQ(r.accuracy->rows_checked, 2 * 64);
    EXPECT_GT(r.memory.peak_rss_bytes, 0);
    EXPECT_FALSE(r.impl.empty());
  }
  std::map<std::string, const CaseRecord*> by_id;
  for (const CaseRecord& r : results.cases) by_id[r.id()] = &r;
  const CaseRecord& window = *std::find_if(
      results.cases.begin(), results.cases.end(),
      [](const CaseRecord& r) { return r.pattern == "sliding_window" && !r.is_baseline; });
  // radius 8 causal over 100 rows: 100 * 9 - 8 * 9 / 2 pairs per head.
  EXPECT_EQ(window.mask.allowed_pairs, 2 * (100 * 9 - 36));
  EXPECT_EQ(window.mask.closed_form_pairs, window.mask.allowed_pairs);
  EXPECT_EQ(window.flops.useful, 4 * 32 * 2 * (100 * 9 - 36));
  // Every case is measured against full attention: causal full attention for the causal window,
  // run once on the sparse executor as a baseline record; non-causal dense is its own baseline.
  int baselines = 0;
  for (const CaseRecord& r : results.cases) {
    if (r.is_baseline) {
      ++baselines;
      EXPECT_EQ(r.key.spec, "dense:causal=true,align=top_left");
      EXPECT_EQ(r.key.executor, ExecutorKind::kSparse);
      continue;
    }
    ASSERT_TRUE(r.baseline.has_value()) << r.id() << ": " << r.baseline_reason;
    const CaseRecord& full = *by_id.at(r.baseline->id);
    EXPECT_EQ(r.baseline->median_ms, full.latency_ms->median);
    ASSERT_TRUE(r.speedup_vs_full.has_value());
    EXPECT_DOUBLE_EQ(*r.speedup_vs_full, full.latency_ms->median / r.latency_ms->median);
    EXPECT_EQ(full.key.spec, r.pattern == "dense" ? "dense:causal=false,align=top_left"
                                                  : "dense:causal=true,align=top_left");
  }
  EXPECT_EQ(baselines, 1);
}

TEST_F(SmallRun, ReportRegeneratesEveryFileByteForByte) {
  ASSERT_EQ(exit_code_, 0);
  std::map<std::string, std::string> before;
  for (const auto& entry : std::filesystem::directory_iterator(dir_)) {
    // results.jsonl is the source; .lock is the run's writer lock, not a view.
    const std::string name = entry.path().filename().string();
    if (name != "results.jsonl" && name[0] != '.') before[name] = slurp(entry.path().string());
  }
  ASSERT_EQ(before.size(), 5u * 4u);  // table and 4 views x md/csv/json/tex
  for (const auto& [name, text] : before) std::filesystem::remove(dir_ / name);
  write_reports(read_results((dir_ / "results.jsonl").string()), dir_.string(), all_formats());
  for (const auto& [name, text] : before) EXPECT_EQ(slurp((dir_ / name).string()), text) << name;
}

// Every generated LaTeX table compiles: with pdflatex where it is installed, else the structure
// is checked (environments balanced, the same number of cells on every row as columns).
TEST_F(SmallRun, LatexTablesAreWellFormed) {
  ASSERT_EQ(exit_code_, 0);
  for (const char* view : {"comparison", "flops", "break_even", "density"}) {
    const std::string tex = slurp((dir_ / (std::string(view) + ".tex")).string());
    const std::size_t spec_at = tex.find("\\begin{tabular}{") + 16;
    const std::size_t columns = tex.find('}', spec_at) - spec_at;
    std::istringstream lines(tex);
    int begins = 0, ends = 0, rows = 0;
    for (std::string line; std::getline(lines, line);) {
      begins += line.rfind("\\begin{", 0) == 0;
      ends += line.rfind("\\end{", 0) == 0;
      if (line.size() > 2 && line.substr(line.size() - 2) == "\\\\") {
        ++rows;
        std::size_t cells = 1;
        for (std::size_t i = 0; i < line.size(); ++i)
          cells += line[i] == '&' && (i == 0 || line[i - 1] != '\\');
        EXPECT_EQ(cells, columns) << view << ": " << line;
      }
    }
    EXPECT_EQ(begins, ends) << view;
    EXPECT_GE(rows, 2) << view;
  }
  if (std::system("command -v pdflatex >/dev/null 2>&1") != 0)
    GTEST_SKIP() << "pdflatex not installed: structure checked only";
  std::ofstream((dir_ / "doc.tex").string())
      << "\\documentclass{article}\\usepackage{booktabs}\\usepackage[margin=1cm,landscape]{"
         "geometry}"
         "\\begin{document}\\input{comparison}\\input{flops}\\input{break_even}\\input{density}"
         "\\end{document}\n";
  const std::string command =
      "cd '" + dir_.string() +
      "' && pdflatex -interaction=nonstopmode -halt-on-error doc.tex >/dev/null 2>&1";
  EXPECT_EQ(std::system(command.c_str()), 0) << "pdflatex failed; see " << dir_ << "/doc.log";
}

TEST_F(SmallRun, CompareGatesOnSlowdowns) {
  ASSERT_EQ(exit_code_, 0);
  RunResults a = read_results((dir_ / "results.jsonl").string());
  // The verdicts are tested here, not this machine's noise.
  for (CaseRecord& r : a.cases) {
    r.noise->noisy = false;
    r.latency_ms->cv = 0.05;
    // A loaded machine's outliers aside, and enough samples to judge: a slow build (ASan under
    // load: 60 ms a run of the dense executor) reaches min_time_ms in four.
    std::vector<double>& samples = r.latency_ms->samples;
    samples.resize(2 * static_cast<std::size_t>(kMinSamples));
    for (std::size_t i = 0; i < samples.size(); ++i) {
      samples[i] = r.latency_ms->median * (1 + 0.01 * static_cast<double>(i % 5));
    }
  }
  a.context.disturbed = false;
  const Comparison same = compare_runs(a, a, {});
  EXPECT_TRUE(same.slower.empty());
  EXPECT_TRUE(same.warnings.empty());
  EXPECT_EQ(same.shared, 4);  // the baseline record is not a case of the run
  for (const CaseComparison& c : same.cases) EXPECT_EQ(c.verdict, "same") << c.id;
  RunResults slow = a;  // the fixture: every case made 2x slower, on another machine
  for (CaseRecord& r : slow.cases) {
    r.latency_ms->median *= 2;
    for (double& sample : r.latency_ms->samples) sample *= 2;
  }
  slow.context.cpu_model = "another CPU";
  const Comparison worse = compare_runs(a, slow, {});
  ASSERT_EQ(worse.slower.size(), 4u);
  EXPECT_EQ(worse.warnings.size(), 2u);                   // another CPU; the whole run shifted
  EXPECT_TRUE(compare_runs(slow, a, {}).slower.empty());  // faster is fine
  RunResults noisy = slow;
  for (CaseRecord& r : noisy.cases) r.noise->noisy = true;
  EXPECT_TRUE(compare_runs(a, noisy, {}).slower.empty());  // noise is reported, not gated
  RunResults few = slow;
  for (CaseRecord& r : few.cases) r.latency_ms->samples.resize(kMinSamples - 1);
  for (const CaseComparison& c : compare_runs(a, few, {}).cases) {
    EXPECT_EQ(c.verdict, "insufficient") << c.id;
  }
}

TEST_F(SmallRun, TornLastLineIsIgnored) {
  ASSERT_EQ(exit_code_, 0);
  std::ofstream((dir_ / "results.jsonl").string(), std::ios::app) << R"({"type":"case","id":"x)";
  const RunResults results = read_results((dir_ / "results.jsonl").string());
  EXPECT_EQ(results.cases.size(), 5u);
  EXPECT_EQ(results.torn_lines, 1);
}

}  // namespace
}  // namespace attnbench

namespace attnbench {
namespace {

// Heads with different masks get their own rows in the density report: LongLoRA's two halves.
// A label such as "a|b" must stay one cell: every row keeps as many unescaped bars as the header.
TEST(Markdown, APipeInACellIsEscaped) {
  const Table t{{"label", "value"}, {{"a|b", "1"}}, {false, true}};
  const std::string md = render_markdown(t);
  EXPECT_NE(md.find("a\\|b"), std::string::npos) << md;
  std::istringstream lines(md);
  for (std::string line; std::getline(lines, line);) {
    int bars = 0;
    for (std::size_t i = 0; i < line.size(); ++i)
      bars += line[i] == '|' && (i == 0 || line[i - 1] != '\\');
    EXPECT_EQ(bars, 3) << line;
  }
}

TEST(DensityReport, PerHeadRowsWhereHeadsDiffer) {
  const Experiment e = load_experiment_text(
      "seq_len: 16\nshape: {heads: 2}\nblock_q: 4\nblock_kv: 4\npatterns: [{name: s2_attn, params: "
      "{group: 4}}]\n",
      "heads.yaml", {});
  const CaseRecord r = mask_record(e.cases.front());
  ASSERT_EQ(r.mask.per_head.size(), 2u);
  EXPECT_EQ(r.mask.per_head[0].allowed_pairs, 40);
  EXPECT_EQ(r.mask.per_head[1].allowed_pairs, 36);
  const Table t = density_table({r});
  ASSERT_EQ(t.rows.size(), 3u);
  EXPECT_EQ(t.rows[2][0], "  head 1");
  EXPECT_EQ(t.rows[2][5], "36");
}

}  // namespace
}  // namespace attnbench
