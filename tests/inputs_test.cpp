// Q, K and V from .npy files named in the config: shapes checked when the config loads, the
// executors checked on them, and content-dependent patterns deciding from them.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <filesystem>

#include "config/experiment.hpp"
#include "report/npy.hpp"
#include "runner/case_runner.hpp"

namespace attnbench {
namespace {

class InputFiles : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ =
        std::filesystem::temp_directory_path() / ("attnbench_inputs_" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir_);
    // Queries all point along the first axis; key 7 points there strongly: the last queries'
    // attention piles onto column 7.
    std::vector<float> q(1 * 2 * 64 * 16, 0.0f), k(q.size(), 0.01f), v(q.size());
    for (std::size_t i = 0; i < q.size(); i += 16) q[i] = 1.0f;
    for (std::size_t h = 0; h < 2; ++h) k[(h * 64 + 7) * 16] = 8.0f;
    for (std::size_t i = 0; i < v.size(); ++i) v[i] = static_cast<float>(i % 13) / 13.0f;
    write_npy_f32((dir_ / "q.npy").string(), {1, 2, 64, 16}, q);
    write_npy_f32((dir_ / "k.npy").string(), {1, 2, 64, 16}, k);
    write_npy_f32((dir_ / "v.npy").string(), {1, 2, 64, 16}, v);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  Experiment load(const std::string& pattern, Index seq_len = 64) {
    return load_experiment_text(
        fmt::format(
            "seq_len: {}\nshape: {{heads: 2, head_dim: 16}}\ninputs: {{q: {}, k: {}, v: {}}}\n"
            "patterns: [{}]\n",
            seq_len, (dir_ / "q.npy").string(), (dir_ / "k.npy").string(),
            (dir_ / "v.npy").string(), pattern),
        "inputs.yaml", {});
  }

  std::filesystem::path dir_;
};

TEST_F(InputFiles, ExecutorsAreCheckedOnTheLoadedActivations) {
  const Experiment e = load("{name: dense, params: {causal: true}}");
  const CaseRecord r = run_case(e.cases.front(), CaseOptions{.check = true, .perf = false});
  EXPECT_EQ(r.status, CaseStatus::kPassed) << r.message;
}

TEST_F(InputFiles, ContentDependentPatternsDecideFromThem) {
  const Experiment e = load("{name: vertical_slash, params: {vertical: 1, slash: 1, last_q: 4}}");
  const CaseMask mask = build_case_mask(e.cases.front());
  for (int h = 0; h < 2; ++h) {
    EXPECT_TRUE(mask.pattern->allows(h, 40, 7));   // the one vertical column kept
    EXPECT_FALSE(mask.pattern->allows(h, 40, 3));  // neither that column nor the diagonal
    // The heaviest diagonals are those through key 7 in the last rows (offsets 53..56; ties go
    // to the smallest), not the main diagonal.
    EXPECT_TRUE(mask.pattern->allows(h, 63, 10));
    EXPECT_FALSE(mask.pattern->allows(h, 40, 40));
  }
}

TEST_F(InputFiles, ShapeMismatchIsLocated) {
  try {
    load("{name: dense}", 128);  // longer than the files' 64 positions
    FAIL();
  } catch (const InputError& e) {
    EXPECT_EQ(e.key(), "inputs.q");
    EXPECT_NE(std::string(e.what()).find(
                  "needs shape (1, 2, at least 128, 16), the file holds (1, 2, 64, 16)"),
              std::string::npos)
        << e.what();
  }
}

// A shorter case reads a prefix of the files: its inputs are the first rows of each head.
TEST_F(InputFiles, ShorterLengthsReadAPrefix) {
  const Experiment e = load("{name: dense, params: {causal: true}}", 32);
  const Case& c = e.cases.front();
  const Tensors short_inputs = case_inputs(c, problem_of(c));
  const Experiment full = load("{name: dense, params: {causal: true}}", 64);
  const Tensors long_inputs = case_inputs(full.cases.front(), problem_of(full.cases.front()));
  for (std::size_t h = 0; h < 2; ++h) {
    for (std::size_t i = 0; i < 32 * 16; ++i) {
      ASSERT_EQ(short_inputs.k[h * 32 * 16 + i], long_inputs.k[h * 64 * 16 + i]);
      ASSERT_EQ(short_inputs.q[h * 32 * 16 + i], long_inputs.q[h * 64 * 16 + i]);
    }
  }
}

// Bottom-right queries shorter than the keys come from the last positions.
TEST_F(InputFiles, BottomRightQueriesComeFromTheLastPositions) {
  const Experiment e = load_experiment_text(
      fmt::format("seq_len: 16\nkv_len: 48\nshape: {{heads: 2, head_dim: 16}}\n"
                  "inputs: {{q: {}, k: {}, v: {}}}\n"
                  "patterns: [{{name: dense, params: {{causal: true, align: bottom_right}}}}]\n",
                  (dir_ / "q.npy").string(), (dir_ / "k.npy").string(), (dir_ / "v.npy").string()),
      "inputs.yaml", {});
  const Case& c = e.cases.front();
  const Tensors in = case_inputs(c, problem_of(c));
  const Experiment whole = load("{name: dense}", 64);
  const Tensors all = case_inputs(whole.cases.front(), problem_of(whole.cases.front()));
  for (std::size_t h = 0; h < 2; ++h) {
    for (std::size_t i = 0; i < 16 * 16; ++i)
      ASSERT_EQ(in.q[h * 16 * 16 + i], all.q[(h * 64 + 32) * 16 + i]);  // positions 32..47
  }
}

}  // namespace
}  // namespace attnbench
