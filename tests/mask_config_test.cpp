// `mask`, `density` and `gallery` on a config's entries and cases (--config, --entry, --case):
// which case they choose, what they refuse, and that the mask `mask --config` exports is the
// mask `run` executes for that case (its layout, its pair count, its executor's output).
#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <functional>
#include <nlohmann/json.hpp>
#include <numeric>
#include <sstream>

#include "cli/commands.hpp"
#include "cli/config_cases.hpp"
#include "core/layout.hpp"
#include "exec/executor.hpp"
#include "runner/case_runner.hpp"

namespace attnbench {
namespace {

const char* kConfig = R"(name: maskcfg
seq_len: 96
shape: {heads: 4}
block_q: 32
block_kv: 32
seed: 11
executor: [dense, sparse]
threads: 1
patterns:
  - name: sliding_window
    params: {causal: true}
    sweep: {radius: [4, 8]}
  - name: union
    label: nest
    of:
      - name: per_head
        of:
          - {name: sliding_window, params: {radius: 3, causal: true}, heads: 2}
          - {name: dense, params: {causal: true}, heads: 2}
      - {name: streaming_llm, params: {sinks: 2, window: 1}}
  - name: vertical_slash
    label: content
    params: {vertical: 5, slash: 7, last_q: 8}
)";

class MaskConfig : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("mask_config_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_);
    std::ofstream(config()) << kConfig;
    experiment_ = load_experiment(config(), {});
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::string config() const { return (dir_ / "maskcfg.yaml").string(); }
  std::string file(const std::string& name) const { return (dir_ / name).string(); }
  // The case of `entry` with this executor (and, for entry 0, this radius).
  const Case& case_of(std::size_t entry, ExecutorKind executor, const std::string& radius = "") {
    for (const Case& c : experiment_.cases) {
      if (c.entry == entry && c.key.executor == executor &&
          (radius.empty() || c.id().find("radius=" + radius + ",") != std::string::npos))
        return c;
    }
    ADD_FAILURE() << "no case of entry " << entry;
    return experiment_.cases.front();
  }
  MaskArgs args(const std::string& entry) const {
    MaskArgs a{.config = config(), .entry = entry};
    return a;
  }

  std::filesystem::path dir_;
  Experiment experiment_;
};

std::vector<std::uint8_t> read_u8_npy(const std::string& path, std::string* header = nullptr) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream bytes;
  bytes << in.rdbuf();
  const std::string all = bytes.str();
  EXPECT_EQ(all.substr(0, 6), "\x93NUMPY");
  // The header length, little-endian in bytes 8 and 9.
  const std::size_t length = std::size_t{static_cast<unsigned char>(all[8])} |
                             std::size_t{static_cast<unsigned char>(all[9])} << 8;
  if (header) *header = all.substr(10, length);
  EXPECT_NE(all.find("'descr': '|u1'"), std::string::npos);
  return {all.begin() + static_cast<std::ptrdiff_t>(10 + length), all.end()};
}

std::string error_of(const std::function<void()>& command) {
  try {
    command();
  } catch (const InputError& e) {
    return e.what();
  }
  return "no error";
}

TEST_F(MaskConfig, SeveralMasksAreRefusedWithTheirIds) {
  MaskArgs a = args("0");
  a.npy = file("m.npy");
  const std::string what = error_of([&] { mask_command(a); });
  EXPECT_NE(what.find("2 different masks"), std::string::npos) << what;
  for (const Case& c : experiment_.cases) {
    if (c.entry != 0) continue;
    EXPECT_NE(what.find("--case '" + c.id() + "'"), std::string::npos) << what;
  }
  // The config as a whole, without --entry, holds more masks still.
  a.entry.reset();
  EXPECT_NE(error_of([&] { mask_command(a); }).find("choose one with --case"), std::string::npos);
  EXPECT_FALSE(std::filesystem::exists(a.npy));
}

TEST_F(MaskConfig, CaseAloneChoosesTheMask) {
  MaskArgs a{.config = config(), .case_ids = {case_of(0, ExecutorKind::kDense, "8").id()}};
  a.npy = file("m.npy");
  ASSERT_EQ(mask_command(a), 0);
  std::string header;
  const std::vector<std::uint8_t> mask = read_u8_npy(a.npy, &header);
  EXPECT_NE(header.find("'shape': (96, 96)"), std::string::npos) << header;
  ASSERT_EQ(mask.size(), 96u * 96u);
  for (Index i = 0; i < 96; ++i) {
    for (Index j = 0; j < 96; ++j)
      ASSERT_EQ(mask[static_cast<std::size_t>(i * 96 + j)], j <= i && j >= i - 8) << i << "," << j;
  }
  // --entry with --case: the case must belong to the entry.
  a.entry = "nest";
  EXPECT_NE(error_of([&] { mask_command(a); }).find("has no case"), std::string::npos);
}

TEST_F(MaskConfig, EntriesAreNamedByIndexOrLabel) {
  EXPECT_EQ(entry_index(experiment_, "1"), 1u);
  EXPECT_EQ(entry_index(experiment_, "nest"), 1u);
  EXPECT_EQ(entry_index(experiment_, "content"), 2u);
  EXPECT_NE(error_of([&] { entry_index(experiment_, "3"); }).find("0 to 2"), std::string::npos);
  const std::string unknown = error_of([&] { entry_index(experiment_, "nset"); });
  EXPECT_NE(unknown.find("'nest', 'content'"), std::string::npos) << unknown;
  // Options that describe a mask without a config are refused beside it.
  MaskArgs a = args("nest");
  a.ascii = true;
  a.pattern_options = {"--seq-len"};
  EXPECT_NE(error_of([&] { mask_command(a); }).find("--seq-len describe a mask without a config"),
            std::string::npos);
  a.pattern_options.clear();
  a.head = 4;
  EXPECT_NE(error_of([&] { mask_command(a); }).find("below the 4 heads"), std::string::npos);
}

// Dense softmax(Q K^T / sqrt(d)) V of one (batch 0, head) slice under `mask`, in double.
std::vector<double> masked_attention(const Problem& p, const Tensors& in, Index head,
                                     const std::uint8_t* mask) {
  const float* q = in.q.data() + q_offset(p, 0, head);
  const float* k = in.k.data() + kv_offset(p, 0, head);
  const float* v = in.v.data() + kv_offset(p, 0, head);
  const Index d = p.head_dim;
  std::vector<double> out(static_cast<std::size_t>(p.q_len * d), 0.0);
  for (Index r = 0; r < p.q_len; ++r) {
    std::vector<double> scores(static_cast<std::size_t>(p.kv_len), -INFINITY);
    double top = -INFINITY;
    for (Index j = 0; j < p.kv_len; ++j) {
      if (!mask[r * p.kv_len + j]) continue;
      double dot = 0;
      for (Index c = 0; c < d; ++c) dot += double{q[r * d + c]} * k[j * d + c];
      scores[static_cast<std::size_t>(j)] = dot / std::sqrt(static_cast<double>(d));
      top = std::max(top, scores[static_cast<std::size_t>(j)]);
    }
    double total = 0;
    for (Index j = 0; j < p.kv_len; ++j) {
      if (!mask[r * p.kv_len + j]) continue;
      const double w = std::exp(scores[static_cast<std::size_t>(j)] - top);
      total += w;
      for (Index c = 0; c < d; ++c) out[static_cast<std::size_t>(r * d + c)] += w * v[j * d + c];
    }
    for (Index c = 0; total > 0 && c < d; ++c) out[static_cast<std::size_t>(r * d + c)] /= total;
  }
  return out;
}

// The exported mask, every head, is the one `run` executes: the layout the cell runner builds
// (build_mask on the case's inputs) expands to it, the run's record counts its pairs, and the
// sparse executor on that layout computes attention under exactly it. A content-dependent
// pattern (vertical_slash) decides from the case's own seeded inputs in both.
TEST_F(MaskConfig, ExportIsTheMaskRunExecutes) {
  for (const std::string entry : {"nest", "2"}) {
    MaskArgs a = args(entry);
    a.npy = file("all.npy");
    a.layout_npy = file("layout.npy");
    a.all_heads = true;
    ASSERT_EQ(mask_command(a), 0) << entry;  // one mask for both executors: no --case needed
    const std::vector<std::uint8_t> exported = read_u8_npy(a.npy);
    const std::vector<std::uint8_t> tiles = read_u8_npy(a.layout_npy);
    const Case& c = case_of(entry_index(experiment_, entry), ExecutorKind::kSparse);
    const Problem problem = problem_of(c);
    ASSERT_EQ(exported.size(), static_cast<std::size_t>(problem.heads * c.q_len * c.kv_len));

    const Tensors inputs = case_inputs(c, problem);
    LayoutStats stats;
    const PreparedMask run_mask = build_mask(
        c, [&]() -> const Tensors& { return inputs; }, stats);
    const Index per_head = c.q_len * c.kv_len;
    for (int h = 0; h < c.heads(); ++h) {
      const std::vector<std::uint8_t> layout_mask = expand_layout(run_mask.layout, h);
      EXPECT_TRUE(
          std::equal(layout_mask.begin(), layout_mask.end(), exported.begin() + h * per_head))
          << entry << " head " << h;
    }
    const BlockLayout& layout = run_mask.layout;
    ASSERT_EQ(tiles.size(), static_cast<std::size_t>(c.heads() * layout.q_tiles * layout.kv_tiles));
    std::vector<std::uint8_t> kinds(tiles.size(), 0);
    for (int h = 0; h < c.heads(); ++h) {
      for (Index qt = 0; qt < layout.q_tiles; ++qt) {
        for (const LayoutTile& tile : layout.row(h, qt))
          kinds[static_cast<std::size_t>((h * layout.q_tiles + qt) * layout.kv_tiles +
                                         tile.kv_tile)] = static_cast<std::uint8_t>(tile.kind);
      }
    }
    EXPECT_EQ(kinds, tiles) << entry;

    const CaseRecord record = run_case(c, CaseOptions{.check = true, .perf = false});
    EXPECT_EQ(record.status, CaseStatus::kPassed) << record.message;
    EXPECT_EQ(record.mask.allowed_pairs,
              std::accumulate(exported.begin(), exported.end(), std::int64_t{0}));

    std::vector<float> out(problem.q_elements());
    make_executor(ExecutorKind::kSparse, problem, run_mask.layout)->run(inputs, out.data());
    for (Index h = 0; h < problem.heads; ++h) {
      const std::vector<double> want =
          masked_attention(problem, inputs, h, exported.data() + h * per_head);
      for (std::size_t i = 0; i < want.size(); ++i)
        ASSERT_NEAR(out[q_offset(problem, 0, h) + i], want[i], 1e-4) << entry << " head " << h;
    }
  }
}

TEST_F(MaskConfig, PicturesAndAsciiFromAnEntry) {
  MaskArgs a = args("nest");
  a.png = file("m.png");
  a.svg = file("m.svg");
  a.all_heads = true;
  a.tiles = true;
  a.size = 256;
  ASSERT_EQ(mask_command(a), 0);
  EXPECT_GT(std::filesystem::file_size(a.png), 100u);
  std::ifstream svg(a.svg);
  const std::string text((std::istreambuf_iterator<char>(svg)), std::istreambuf_iterator<char>());
  EXPECT_NE(text.find("nest"), std::string::npos);  // the entry's label titles the picture
  EXPECT_NE(text.find("head 3 of 4"), std::string::npos);
}

TEST_F(MaskConfig, DensityAndGalleryKeepTheChosenCases) {
  DensityArgs d{.config = config(), .entry = "nest", .formats = {"json"}, .out = file("density")};
  ASSERT_EQ(density_command(d), 0);
  std::ifstream in(file("density") + "/density.json");
  const nlohmann::json rows = nlohmann::json::parse(in);
  ASSERT_FALSE(rows.empty());
  for (const auto& row : rows) EXPECT_EQ(row.at("label"), "nest") << row.dump();

  Experiment some = experiment_;
  keep_chosen(some, CaseChoice{"0", {case_of(0, ExecutorKind::kSparse, "4").id()}});
  ASSERT_EQ(some.cases.size(), 1u);
  EXPECT_NE(some.cases.front().id().find("radius=4"), std::string::npos);
  Experiment entry = experiment_;
  keep_chosen(entry, CaseChoice{"0", {}});
  EXPECT_EQ(entry.cases.size(), 4u);  // two radii, two executors

  const GalleryArgs g{.config = config(), .out = file("g.png"), .entry = "0"};
  ASSERT_EQ(gallery_command(g), 0);
  EXPECT_TRUE(std::filesystem::exists(g.out));
  GalleryArgs wrong = g;
  wrong.entry = "7";
  EXPECT_THROW(gallery_command(wrong), InputError);
}

}  // namespace
}  // namespace attnbench
