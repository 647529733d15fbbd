// The backward pass (issue 16): the layout's transpose; the double-precision reference against
// central differences of the forward reference; both executors against it with batch 2,
// grouped-query heads, ragged tiles, rows that see no key and more threads than key heads; the
// train and backward passes through the runner (accuracy, FLOPs, saved bytes, grad_of); the
// record's new fields through JSON.
#include <gtest/gtest.h>

#include <cmath>

#include "config/experiment.hpp"
#include "core/errors.hpp"
#include "core/layout.hpp"
#include "exec/gradients.hpp"
#include "exec/reference.hpp"
#include "exec/reference_backward.hpp"
#include "pattern_cases.hpp"
#include "runner/case_runner.hpp"
#include "runner/gradient_check.hpp"

namespace attnbench::testing {
namespace {

std::unique_ptr<Pattern> bottom_right_window(Index q, Index kv, int heads) {
  // kv < q with bottom_right alignment: the first q - kv rows see no key at all.
  return make("sliding_window",
              {{"radius", Index{20}}, {"causal", true}, {"align", std::string("bottom_right")}}, q,
              kv, heads);
}

TEST(LayoutTranspose, ListsEveryTileUnderItsKeyTileInQueryOrder) {
  const auto pattern = make("sliding_window", {{"radius", Index{9}}}, 97);
  BlockLayout layout = build_layout(*pattern, {97, 97, 16, 24}, 2);
  const std::size_t before = layout.bytes();
  add_transpose(layout);
  EXPECT_GT(layout.bytes(), before);
  std::size_t listed = 0;
  for (Index kt = 0; kt < layout.kv_tiles; ++kt) {
    Index previous = -1;
    for (const TransposedTile& e : layout.column(0, kt)) {
      const LayoutTile& tile = layout.tiles[static_cast<std::size_t>(e.tile)];
      EXPECT_EQ(tile.kv_tile, kt);
      EXPECT_GT(e.q_tile, previous);  // ascending
      previous = e.q_tile;
      const auto row = layout.row(0, e.q_tile);
      EXPECT_GE(&tile, row.data());
      EXPECT_LT(&tile, row.data() + row.size());  // the tile belongs to that query tile's row
      ++listed;
    }
  }
  EXPECT_EQ(listed, layout.tiles.size());
}

// L = sum(dO o O); dL/dQ, dL/dK, dL/dV by central differences of the forward reference.
double loss(const Pattern& p, const Problem& problem, const Tensors& in) {
  double total = 0;
  const std::vector<Index> rows = sample_rows(problem.q_len, problem.q_len);
  for (Index h = 0; h < problem.heads; ++h) {
    const std::vector<double> out = reference_rows(p, problem, in, 0, h, rows);
    for (std::size_t i = 0; i < out.size(); ++i)
      total += out[i] * in.d_out[q_offset(problem, 0, h) + i];
  }
  return total;
}

TEST(ReferenceGradients, AgreeWithCentralDifferencesOfTheForwardReference) {
  const auto pattern = bottom_right_window(30, 24, 2);
  const Problem problem{1, 2, 1, 30, 24, 8, 1, DataType::kF32, Pass::kTrain};
  Tensors in = random_inputs(problem, 3);
  const ReferenceGradients ref =
      reference_gradients(*pattern, problem, in, GradientSample{30, 24, 0});
  const float eps = 1.0f / 1024;  // exact steps: inputs are multiples of 2^-23 in [-1, 1)
  auto numeric = [&](std::vector<float>& tensor, std::size_t at) {
    const float keep = tensor[at];
    tensor[at] = keep + eps;
    const double up = loss(*pattern, problem, in);
    tensor[at] = keep - eps;
    const double down = loss(*pattern, problem, in);
    tensor[at] = keep;
    return (up - down) / (2.0 * static_cast<double>(eps));
  };
  // head 1, query row 29 (sees keys), every dimension; key head 0 (the group of both heads).
  for (std::size_t c = 0; c < 8; ++c) {
    const std::size_t q_at = q_offset(problem, 0, 1) + 29 * 8 + c;
    EXPECT_NEAR(ref.dq[(30 + 29) * 8 + c], numeric(in.q, q_at), 5e-5) << c;
    const std::size_t k_at = 17 * 8 + c;
    EXPECT_NEAR(ref.dk[17 * 8 + c], numeric(in.k, k_at), 5e-5) << c;
    EXPECT_NEAR(ref.dv[17 * 8 + c], numeric(in.v, k_at), 5e-5) << c;
  }
  for (std::size_t c = 0; c < 8; ++c) EXPECT_EQ(ref.dq[2 * 8 + c], 0.0);  // row 2 sees no key
}

struct PassRun {
  Gradients grads;
  std::vector<float> out;
};

PassRun run_pass(ExecutorKind executor, const Problem& problem, const BlockLayout& layout,
                 const Tensors& in) {
  PassRun r{{}, std::vector<float>(problem.q_elements(), NAN)};
  const auto run = make_executor(executor, problem, layout);
  run->prepare(in, r.out.data());
  run->run(in, r.out.data());
  run->run(in, r.out.data());  // a second call gives the same gradients (nothing accumulates)
  r.grads = *run->gradients();
  return r;
}

void expect_close(const std::vector<float>& got, const std::vector<double>& ref, const char* what) {
  double max_ref = 0, max_err = 0;
  for (std::size_t i = 0; i < ref.size(); ++i) {
    max_ref = std::max(max_ref, std::abs(ref[i]));
    max_err = std::max(max_err, std::abs(got[i] - ref[i]));
  }
  EXPECT_GT(max_ref, 0.0) << what;
  EXPECT_LE(max_err / max_ref, 1e-4) << what;
}

class BothExecutors : public ::testing::TestWithParam<std::tuple<ExecutorKind, Pass, int>> {};

TEST_P(BothExecutors, MatchTheReferenceWithBatchesGroupsRaggedTilesAndEmptyRows) {
  const auto [executor, pass, threads] = GetParam();
  const auto pattern = bottom_right_window(131, 100, 4);
  const Problem problem{2, 4, 2, 131, 100, 32, threads, DataType::kF32, pass};
  const Tensors in = random_inputs(problem, 21);
  BlockLayout layout = build_layout(*pattern, {131, 100, 16, 24}, 2);
  add_transpose(layout);
  const PassRun run = run_pass(executor, problem, layout, in);
  const ReferenceGradients ref =
      reference_gradients(*pattern, problem, in, GradientSample{131, 100, 0});
  expect_close(run.grads.dq, ref.dq, "dQ");
  expect_close(run.grads.dk, ref.dk, "dK");
  expect_close(run.grads.dv, ref.dv, "dV");
  EXPECT_EQ(run.grads.dq[q_offset(problem, 1, 3)], 0.0f);  // row 0 sees no key
}

INSTANTIATE_TEST_SUITE_P(
    Passes, BothExecutors,
    ::testing::Combine(::testing::Values(ExecutorKind::kSparse, ExecutorKind::kDense),
                       ::testing::Values(Pass::kBackward, Pass::kTrain), ::testing::Values(1, 3)));

TEST(ReferenceGradients, SampledKeySlicesAreTheFirstAndLastOfTheFullOnes) {
  const auto pattern = bottom_right_window(40, 40, 4);
  const Problem problem{2, 4, 2, 40, 40, 8, 2, DataType::kF32, Pass::kTrain};
  const Tensors in = random_inputs(problem, 5);
  const ReferenceGradients all = reference_gradients(*pattern, problem, in, {7, 9, 0});
  const ReferenceGradients two = reference_gradients(*pattern, problem, in, {7, 9, 2});
  ASSERT_EQ(two.key_slices, (std::vector<Index>{0, 3}));
  EXPECT_EQ(two.dq, all.dq);  // each row by one thread
  // Threads add their rows' terms in any order: equal up to rounding.
  const std::size_t slice = 9 * 8;
  for (std::size_t i = 0; i < slice; ++i) {
    EXPECT_NEAR(two.dk[i], all.dk[i], 1e-12) << i;
    EXPECT_NEAR(two.dv[slice + i], all.dv[3 * slice + i], 1e-12) << i;
  }
}

TEST(GradientCheck, FailsAGradientBeyondItsToleranceAndNamesIt) {
  const auto pattern = bottom_right_window(50, 50, 2);
  const Problem problem{1, 2, 2, 50, 50, 16, 2, DataType::kF32, Pass::kTrain};
  const Tensors in = random_inputs(problem, 8);
  BlockLayout layout = build_layout(*pattern, {50, 50, 16, 16}, 2);
  add_transpose(layout);
  PassRun run = run_pass(ExecutorKind::kSparse, problem, layout, in);
  EXPECT_EQ(gradient_failure(check_gradients(*pattern, problem, in, run.grads, 50)), std::nullopt);
  run.grads.dv[kv_offset(problem, 0, 1) + 49 * 16] += 1e-2f;  // the last key of key head 1
  const std::optional<std::string> failure =
      gradient_failure(check_gradients(*pattern, problem, in, run.grads, 50));
  ASSERT_TRUE(failure);
  EXPECT_NE(failure->find("dv"), std::string::npos) << *failure;
}

TEST(SparseBackward, RefusesALayoutWithoutItsTranspose) {
  const auto pattern = bottom_right_window(64, 64, 1);
  const Problem problem{1, 1, 1, 64, 64, 16, 1, DataType::kF32, Pass::kTrain};
  const BlockLayout layout = build_layout(*pattern, {64, 64, 16, 16}, 1);
  EXPECT_THROW(make_executor(ExecutorKind::kSparse, problem, layout), std::logic_error);
}

const std::string kConfig = R"(name: train
shape: {heads: 2, head_dim: 32}
seq_len: 150
block_q: 32
block_kv: 48
executor: [dense, sparse]
pass: [forward, backward, train]
threads: 2
repetitions: 2
min_time_ms: 1
check_rows: 40
baseline: none
patterns:
  - {name: sliding_window, params: {radius: 20, causal: true}}
)";

TEST(GradientPasses, RunThroughTheRunnerWithTheirFiguresAndFields) {
  const Experiment e = load_experiment_text(kConfig, "train.yaml", {});
  ASSERT_EQ(e.cases.size(), 6u);
  std::map<std::string, CaseRecord> by_id;
  for (const Case& c : e.cases) {
    const CaseRecord r = run_case(c, CaseOptions{});
    SCOPED_TRACE(r.id());
    EXPECT_EQ(r.status, CaseStatus::kPassed) << r.message;
    ASSERT_TRUE(r.accuracy);
    ASSERT_TRUE(r.latency_ms);
    const bool gradients = c.key.pass != Pass::kForward;
    EXPECT_EQ(r.accuracy->gradients.has_value(), gradients);
    EXPECT_EQ(r.grad_of, gradients ? "executed" : "");
    EXPECT_EQ(r.memory.saved_bytes.has_value(), gradients);
    const Json json = to_json(r);
    EXPECT_EQ(json.contains("grad_of"), gradients);
    const CaseRecord back = case_from_json(json);
    EXPECT_EQ(back.key, r.key);
    EXPECT_EQ(back.memory.saved_bytes, r.memory.saved_bytes);
    if (gradients) {
      const GradientAccuracy& g = *r.accuracy->gradients;
      EXPECT_LE(g.dq.max_rel_err, 1e-4);
      EXPECT_EQ(g.keys_checked, 40 * 2);  // 40 keys of both key heads
      EXPECT_EQ(json.at("pass"), to_string(c.key.pass));
      EXPECT_EQ(json.at("accuracy").at("dk").at("max_rel_err"), g.dk.max_rel_err);
      ASSERT_TRUE(back.accuracy && back.accuracy->gradients);
      EXPECT_EQ(back.accuracy->gradients->dv.max_abs_err, g.dv.max_abs_err);
    }
    by_id[std::string(to_string(c.key.pass)) + std::string(to_string(c.key.executor))] = r;
  }
  const std::int64_t forward = by_id["forwardsparse"].flops.useful;
  EXPECT_EQ(by_id["backwardsparse"].flops.useful * 4, forward * 10);
  EXPECT_EQ(by_id["trainsparse"].flops.useful * 4, forward * 14);
  EXPECT_EQ(by_id["traindense"].flops.executed * 4, by_id["forwarddense"].flops.executed * 14);
  // The forward keeps one log-sum-exp per row on the sparse executor, P on the dense one.
  EXPECT_EQ(*by_id["trainsparse"].memory.saved_bytes, 4 * 2 * 150);
  EXPECT_EQ(*by_id["traindense"].memory.saved_bytes, 4 * 2 * 150 * 150);
  // The transpose is part of the layout's bytes.
  EXPECT_GT(by_id["trainsparse"].mask.layout_bytes, by_id["forwardsparse"].mask.layout_bytes);
  // The dense train pass also holds dP, dO, dQ, dK and dV.
  EXPECT_GE(by_id["traindense"].memory.analytic_bytes - by_id["forwarddense"].memory.analytic_bytes,
            4 * 2 * 150 * 150 + 4 * 4 * 2 * 150 * 32);
}

TEST(GradientPasses, AreRefusedInBf16) {
  std::string text = kConfig;
  text.insert(text.find("threads: 2"), "dtype: bf16\n");
  try {
    load_experiment_text(text, "train.yaml", {});
    FAIL() << "a train pass in bf16 was accepted";
  } catch (const InputError& err) {
    EXPECT_NE(std::string(err.what()).find("f32 only"), std::string::npos) << err.what();
  }
}

}  // namespace
}  // namespace attnbench::testing
