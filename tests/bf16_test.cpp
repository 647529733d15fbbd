// bf16: the dtype axis in ids, records and configs; the inputs rounded once so that the reference
// reads what the executors read; both executors against the reference at the bf16 tolerance;
// the probes per dtype; a whole run of a bf16 cell (native or marked emulated).
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>

#include "config/experiment.hpp"
#include "core/errors.hpp"
#include "core/layout.hpp"
#include "exec/dtype.hpp"
#include "exec/executor.hpp"
#include "exec/gemm_rate.hpp"
#include "exec/reference.hpp"
#include "measure/machine_probes.hpp"
#include "pattern_cases.hpp"
#include "report/table.hpp"
#include "report/views.hpp"
#include "runner/case_runner.hpp"
#include "runner/sweep.hpp"

namespace attnbench::testing {
namespace {

const std::string kConfig = R"(name: bf16
shape: {heads: 2, head_dim: 32}
seq_len: 200
block_q: 32
block_kv: 48
executor: [dense, sparse]
dtype: [f32, bf16]
threads: 2
repetitions: 2
min_time_ms: 1
baseline: none
patterns:
  - {name: sliding_window, params: {radius: 20, causal: true}}
)";

TEST(Bf16, TheIdCarriesTheDtypeOnlyAwayFromItsDefault) {
  const Experiment e = load_experiment_text(kConfig, "bf16.yaml", {});
  ASSERT_EQ(e.cases.size(), 4u);
  // The executor varies fastest, then the dtype.
  EXPECT_EQ(e.cases[0].key.dtype, DataType::kF32);
  EXPECT_EQ(e.cases[2].key.dtype, DataType::kBf16);
  EXPECT_EQ(e.cases[0].id().find("dtype"), std::string::npos) << e.cases[0].id();
  const std::string id = e.cases[3].id();
  ASSERT_TRUE(id.ends_with("/sparse/t2/dtype=bf16")) << id;
  EXPECT_EQ(parse_case_id(id), e.cases[3].key);
  EXPECT_NE(cell_key(e.cases[0].key), cell_key(e.cases[2].key));
  EXPECT_EQ(cell_key(e.cases[2].key), cell_key(e.cases[3].key));
  CaseRecord r = describe_case(e.cases[3]);
  r.status = CaseStatus::kPassed;
  const Json json = to_json(r);
  EXPECT_EQ(json.at("dtype"), "bf16");
  EXPECT_EQ(case_from_json(json).key, e.cases[3].key);
}

TEST(Bf16, AnUnknownDtypeIsAnInputError) {
  std::string text = kConfig;
  text.replace(text.find("dtype: [f32, bf16]"), 18, "dtype: [f32, f16]");
  try {
    load_experiment_text(text, "bf16.yaml", {});
    FAIL() << "f16 accepted";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("dtype"), std::string::npos) << e.what();
  }
}

TEST(Bf16, RoundingIsToNearestEvenAndTheInputsAreRoundedOnce) {
  EXPECT_EQ(to_bf16(1.0f), 0x3f80);
  EXPECT_EQ(from_bf16(to_bf16(1.0f + 0x1p-8f)), 1.0f);  // a tie: to even
  EXPECT_EQ(from_bf16(to_bf16(1.0f + 3 * 0x1p-8f)), 1.0f + 0x1p-6f);
  EXPECT_TRUE(std::isnan(from_bf16(to_bf16(NAN))));
  const Problem problem{1, 2, 1, 50, 70, 16, 1, DataType::kBf16};
  const Tensors t = random_inputs(problem, 4);
  ASSERT_EQ(t.k_bf16.size(), t.k.size());
  for (std::size_t i = 0; i < t.k.size(); ++i) ASSERT_EQ(from_bf16(t.k_bf16[i]), t.k[i]);
  EXPECT_EQ(problem.io_bytes(), 2 * (2 * 2 * 50 * 16 + 2 * 70 * 16));
}

TEST(Bf16, BothExecutorsMatchTheReferenceWithinTheDefaultTolerance) {
  if (!bf16_available()) GTEST_SKIP() << "oneDNN has no bf16 kernels on this CPU";
  const auto pattern =
      make("sliding_window", {{"radius", Index{60}}, {"causal", true}}, 301, 301, 4);
  const Problem problem{1, 4, 2, 301, 301, 64, 2, DataType::kBf16};
  const Tensors in = random_inputs(problem, 9);
  const BlockLayout layout = build_layout(*pattern, {301, 301, 64, 48}, 2);
  for (const ExecutorKind executor : kAllExecutors) {
    SCOPED_TRACE(std::string(to_string(executor)));
    std::vector<float> out(problem.q_elements(), NAN);
    make_executor(executor, problem, layout)->run(in, out.data());
    const AccuracyFigures a = check_output(*pattern, problem, in, out.data(), 301, std::nullopt);
    EXPECT_LE(a.max_abs_err, a.tolerance);
    EXPECT_GT(a.max_abs_err, 0.0);  // rounded: bf16 really ran
    EXPECT_NEAR(a.tolerance, 1e-2 * a.max_abs_err / a.max_rel_err, 1e-12);
  }
}

TEST(Bf16, TheProbesMeasureBf16WhereTheMachineHasIt) {
  if (!bf16_available()) GTEST_SKIP() << "oneDNN has no bf16 kernels on this CPU";
  const std::vector<double> gemm = gemm_gflops_samples(1, 1, DataType::kBf16);
  ASSERT_EQ(gemm.size(), 1u);
  EXPECT_GT(gemm.front(), 0.0);
  const std::vector<double> peak = bf16_dot_peak_gflops_samples(1, 1);
  EXPECT_EQ(peak.size(), cpu_has_bf16_dot() ? 1u : 0u);
  if (!peak.empty()) {
    EXPECT_GT(peak.front(), 0.0);
  }
}

TEST(Bf16, ARunRecordsTheDtypeItsToleranceAndWhetherItWasEmulated) {
  if (!bf16_available()) GTEST_SKIP() << "oneDNN has no bf16 kernels on this CPU";
  const Experiment e = load_experiment_text(kConfig, "bf16.yaml", {});
  const std::string out =
      (std::filesystem::temp_directory_path() / ("attnbench_bf16_" + std::to_string(::getpid())))
          .string();
  std::filesystem::remove_all(out);
  EXPECT_EQ(run_sweep(e, SweepOptions{.mode = RunMode::kAll, .out_dir = out}), 0);
  const RunResults run = read_results(out + "/results.jsonl");
  std::filesystem::remove_all(out);
  EXPECT_FALSE(run.context.onednn_isa.empty());
  EXPECT_TRUE(run.context.probes.gemm_gflops.count("bf16"));
  ASSERT_EQ(run.cases.size(), 4u);
  for (const CaseRecord& r : run.cases) {
    SCOPED_TRACE(r.id());
    EXPECT_EQ(r.status, CaseStatus::kPassed) << r.message;
    ASSERT_TRUE(r.accuracy);
    EXPECT_EQ(r.emulated, r.key.dtype == DataType::kBf16 && !native_bf16());
    EXPECT_TRUE(r.gemm_fraction);
    if (r.key.dtype == DataType::kF32) {
      EXPECT_EQ(r.accuracy->tolerance, 1e-4);
    } else {
      EXPECT_GT(r.accuracy->tolerance, 1e-4);
    }
    if (r.key.dtype == DataType::kF32 || cpu_has_bf16_dot()) {
      EXPECT_TRUE(r.peak_fraction);
    }
  }
}

TEST(Bf16, TheViewsNameTheDtypeAndMarkEmulatedRuns) {
  const Experiment e = load_experiment_text(kConfig, "bf16.yaml", {});
  RunResults run;
  for (const Case& c : e.cases) {
    CaseRecord r = describe_case(c);
    r.status = CaseStatus::kPassed;
    r.latency_ms = LatencyMs{1, 1, 1, 1, 0, 1};
    r.emulated = c.key.dtype == DataType::kBf16;
    run.cases.push_back(r);
  }
  const std::string table = render_markdown(comparison_table(run));
  EXPECT_NE(table.find("bf16 (emulated)"), std::string::npos) << table;
  EXPECT_EQ(comparison_table(run).rows.size(), 2u);  // one cell per dtype
}

}  // namespace
}  // namespace attnbench::testing
