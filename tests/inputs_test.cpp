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
    load("{name: dense}", 32);
    FAIL();
  } catch (const InputError& e) {
    EXPECT_EQ(e.key(), "inputs.q");
    EXPECT_NE(
        std::string(e.what()).find("needs shape (1, 2, 32, 16), the file holds (1, 2, 64, 16)"),
        std::string::npos)
        << e.what();
  }
}

}  // namespace
}  // namespace attnbench
