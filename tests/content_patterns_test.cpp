// Content-dependent patterns with their decisions replayed from .npy files (patterns.md's
// worked examples fix them by hand), and the checks on bad replay files.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "core/common_params.hpp"
#include "core/errors.hpp"
#include "pattern_cases.hpp"
#include "report/npy.hpp"

namespace attnbench::testing {
namespace {

using Keys = std::vector<Index>;

std::string replay_file(const std::string& name, const std::vector<std::int64_t>& shape,
                        const std::vector<std::int32_t>& data) {
  const std::string path =
      (std::filesystem::temp_directory_path() / (name + std::to_string(::getpid()) + ".npy"))
          .string();
  write_npy_i32(path, shape, data);
  return path;
}

Keys range(Index a, Index b) {
  Keys k;
  for (Index i = a; i <= b; ++i) k.push_back(i);
  return k;
}

TEST(Reformer, WorkedExampleWithFixedBuckets) {  // n=16, c=4, one round
  const std::string path =
      replay_file("buckets", {1, 16}, {1, 0, 1, 2, 3, 0, 1, 2, 0, 3, 1, 2, 0, 1, 3, 2});
  const auto p = make(
      "reformer",
      {{"chunk", Index{4}}, {"hashes", Index{1}}, {"buckets", Index{4}}, {"replay", path}}, 16);
  EXPECT_EQ(keys_of(*p, 0, 5), (Keys{1, 4}));
  EXPECT_EQ(keys_of(*p, 0, 10), (Keys{0, 1, 2, 5, 6, 8}));
  EXPECT_EQ(keys_of(*p, 0, 13), (Keys{0, 2, 3, 6, 7, 10, 11}));
  EXPECT_EQ(keys_of(*p, 0, 0), (Keys{0}));  // nothing earlier: self as the fallback
  std::filesystem::remove(path);
}

// Two rounds sorted into one sequence of 32 (trax, reformer-pytorch; patterns.md §15): round 0
// is the worked example, [1,5,8,12 | 0,2,6,10 | 13,3,7,11 | 15,4,9,14]; round 1 sorts to
// [2,5,8,9 | 3,4,10,14 | 1,6,11,15 | 0,7,12,13]. The first chunk of round 1 looks back at the
// last chunk of round 0, and the first chunk of round 0 wraps to the last chunk of round 1;
// neither looks back inside its own round.
TEST(Reformer, RoundsAreSortedIntoOneSequence) {
  const std::string path = replay_file(
      "buckets_two_rounds", {2, 16}, {1, 0, 1, 2, 3, 0, 1, 2, 0, 3, 1, 2, 0, 1, 3, 2,    // round 0
                                      3, 2, 0, 1, 1, 0, 2, 3, 0, 0, 1, 2, 3, 3, 1, 2});  // round 1
  const auto p = make(
      "reformer",
      {{"chunk", Index{4}}, {"hashes", Index{2}}, {"buckets", Index{4}}, {"replay", path}}, 16);
  EXPECT_EQ(keys_of(*p, 0, 1), (Keys{0}));                 // round 0 chunk 0 -> round 1 chunk 3
  EXPECT_EQ(keys_of(*p, 0, 9), (Keys{2, 3, 4, 5, 7, 8}));  // round 1 chunk 0 -> round 0 chunk 3
  EXPECT_EQ(keys_of(*p, 0, 12), (Keys{0, 1, 5, 6, 7, 8, 11}));  // not 4, 9: round 0's chunk 3
  EXPECT_EQ(keys_of(*p, 0, 6), range(0, 5));                    // inside the rounds: as before
  EXPECT_EQ(count_pairs(*p, 0), 88);  // a brute force of trax's sort-chunk-look-back, 16 queries
  std::vector<std::uint8_t> row(16);
  p->fill_row(0, 12, 0, 16, row.data());
  EXPECT_EQ(row, (std::vector<std::uint8_t>{1, 1, 0, 0, 0, 1, 1, 1, 1, 0, 0, 1, 0, 0, 0, 0}));
  std::filesystem::remove(path);
}

// `attend_across_buckets: false` (reformer-pytorch): a key counts only in its round's own
// bucket, in the query's chunk or the previous one. Expected keys from an emulation of
// reformer-pytorch's LSHAttention masks (one sort keyed by seqlen x (bucket + round x buckets)
// + t, look_one_back, the bucket mask) on the worked example's buckets.
TEST(Reformer, WithinBucketsWorkedExample) {
  const std::string path =
      replay_file("buckets_within", {1, 16}, {1, 0, 1, 2, 3, 0, 1, 2, 0, 3, 1, 2, 0, 1, 3, 2});
  const std::vector<std::pair<std::string, ParamValue>> within = {{"chunk", Index{4}},
                                                                  {"hashes", Index{1}},
                                                                  {"buckets", Index{4}},
                                                                  {"replay", path},
                                                                  {"attend_across_buckets", false}};
  const auto p = make("reformer", within, 16);
  EXPECT_EQ(keys_of(*p, 0, 5), (Keys{1}));  // not 4: bucket 3, the wrapped chunk's
  EXPECT_EQ(keys_of(*p, 0, 8), (Keys{1, 5}));
  EXPECT_EQ(keys_of(*p, 0, 10), (Keys{0, 2, 6}));  // bucket 1 in chunks 0 and 1
  EXPECT_EQ(keys_of(*p, 0, 13), (Keys{0, 2, 6, 10}));
  EXPECT_EQ(keys_of(*p, 0, 15), (Keys{3, 7, 11}));
  EXPECT_EQ(count_pairs(*p, 0), 29);
  auto both_ways = within;
  both_ways.emplace_back("causal", false);
  const auto b = make("reformer", both_ways, 16);
  EXPECT_EQ(keys_of(*b, 0, 0), (Keys{2, 6, 10}));
  EXPECT_EQ(keys_of(*b, 0, 5), (Keys{1, 8, 12}));
  EXPECT_EQ(count_pairs(*b, 0), 43);
  std::filesystem::remove(path);
}

// Two rounds: a round's first chunk looks back at the previous round's last chunk, whose keys
// are in another (round, bucket) and are masked; chunks of 4 over n = 10 straddle the rounds.
TEST(Reformer, WithinBucketsAcrossRounds) {
  const std::string two = replay_file("buckets_within_two", {2, 16},
                                      {1, 0, 1, 2, 3, 0, 1, 2, 0, 3, 1, 2, 0, 1, 3, 2,    // round 0
                                       3, 2, 0, 1, 1, 0, 2, 3, 0, 0, 1, 2, 3, 3, 1, 2});  // round 1
  const auto p = make("reformer",
                      {{"chunk", Index{4}},
                       {"hashes", Index{2}},
                       {"buckets", Index{4}},
                       {"replay", two},
                       {"attend_across_buckets", false}},
                      16);
  EXPECT_EQ(keys_of(*p, 0, 1), (Keys{1}));  // across buckets: {0}, from round 1's last chunk
  EXPECT_EQ(keys_of(*p, 0, 6), (Keys{0, 1, 2}));
  EXPECT_EQ(keys_of(*p, 0, 9), (Keys{2, 4, 5, 8}));
  EXPECT_EQ(keys_of(*p, 0, 12), (Keys{0, 1, 5, 7, 8}));
  EXPECT_EQ(count_pairs(*p, 0), 48);
  const std::string straddle = replay_file(
      "buckets_straddle", {2, 10}, {0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 1, 1, 0, 0, 1, 1, 0, 0, 1, 1});
  const auto s = make("reformer",
                      {{"chunk", Index{4}},
                       {"hashes", Index{2}},
                       {"buckets", Index{2}},
                       {"causal", false},
                       {"replay", straddle},
                       {"attend_across_buckets", false}},
                      10);
  EXPECT_EQ(keys_of(*s, 0, 0), (Keys{1, 2, 4, 6}));
  EXPECT_EQ(keys_of(*s, 0, 4), (Keys{0, 1, 2, 5, 6, 8, 9}));
  EXPECT_EQ(keys_of(*s, 0, 7), (Keys{1, 2, 3, 5, 6, 9}));
  EXPECT_EQ(count_pairs(*s, 0), 52);
  std::filesystem::remove(two);
  std::filesystem::remove(straddle);
}

// The conformance suite checks the within-bucket rule too: two examples at the four square
// lengths, one with 3 rounds, one with chunks of 6 that straddle the rounds.
TEST(Reformer, ConformanceInstancesIncludeWithinBuckets) {
  int within = 0;
  for (const PatternInstance& i : instances_of(*find_pattern("reformer")))
    within += i.label.find("attend_across_buckets=false") != std::string::npos ? 1 : 0;
  EXPECT_EQ(within, 8);
}

TEST(Sinkhorn, WorkedExampleWithFixedPermutation) {  // n=16, b=4
  const std::string path = replay_file("sigma", {1, 4}, {2, 0, 3, 1});
  const auto p = make("sinkhorn", {{"block", Index{4}}, {"replay", path}}, 16);
  EXPECT_EQ(keys_of(*p, 0, 5), range(0, 7));
  EXPECT_EQ(keys_of(*p, 0, 10), range(8, 15));
  EXPECT_EQ(count_pairs(*p, 0), 128);
  EXPECT_EQ(p->closed_form_pairs(0), 128);
  const std::string causal_path = replay_file("sigma_causal", {1, 4}, {-1, 0, 0, 1});
  const auto c =
      make("sinkhorn", {{"block", Index{4}}, {"causal", true}, {"replay", causal_path}}, 16);
  EXPECT_EQ(keys_of(*c, 0, 5), (Keys{0, 1, 2, 3, 4, 5}));
  EXPECT_EQ(count_pairs(*c, 0), 88);
  EXPECT_EQ(c->closed_form_pairs(0), 88);
  std::filesystem::remove(path);
  std::filesystem::remove(causal_path);
}

TEST(Landmark, InferenceWorkedExample) {  // l=3 -> B=4, n'=16, C=8, k=1; q13 picks block 0
  std::vector<std::int32_t> chosen(16, -1);
  for (Index q = 8; q < 16; ++q) chosen[static_cast<std::size_t>(q)] = 0;
  const std::string path = replay_file("landmark", {1, 16, 1}, chosen);
  const auto p = make("landmark",
                      {{"block_tokens", Index{3}},
                       {"mode", std::string("infer")},
                       {"top_k", Index{1}},
                       {"chunk", Index{8}},
                       {"replay", path}},
                      12);
  EXPECT_EQ(keys_of(*p, 0, 13), (Keys{0, 1, 2, 3, 8, 9, 10, 11, 12, 13}));
  EXPECT_EQ(keys_of(*p, 0, 5), range(0, 5));
  std::filesystem::remove(path);
}

TEST(Landmark, InferenceFromScoresPicksTheBestLandmark) {
  const auto p = make("landmark",
                      {{"block_tokens", Index{3}},
                       {"mode", std::string("infer")},
                       {"top_k", Index{1}},
                       {"chunk", Index{8}}},
                      12);
  const Keys keys = keys_of(*p, 0, 13);
  ASSERT_EQ(keys.size(), 10u);  // one whole block of 4 + the chunk's 6 causal keys
  EXPECT_TRUE(keys.front() == 0 || keys.front() == 4);
}

TEST(BigBird, ReplayedRandomBlocks) {  // 4 blocks of 4; row 1 of head 0 draws block 3
  std::vector<std::int32_t> chosen = {-1, 3, -1, -1};
  const std::string path = replay_file("bigbird", {1, 4, 1}, chosen);
  const auto p = make("bigbird",
                      {{"block", Index{4}},
                       {"random_blocks", Index{1}},
                       {"global_blocks", IndexList{}},
                       {"replay", path}},
                      16);
  EXPECT_EQ(keys_of(*p, 0, 5), range(0, 15));  // window 0..2 + random 3
  EXPECT_EQ(keys_of(*p, 0, 0), range(0, 7));   // window 0..1
  std::filesystem::remove(path);
}

TEST(Replay, BadFilesAreParamErrors) {
  const std::string wrong_shape =
      replay_file("wrong_shape", {2, 16}, std::vector<std::int32_t>(32, 0));
  EXPECT_THROW(
      make("reformer", {{"chunk", Index{4}}, {"hashes", Index{1}}, {"replay", wrong_shape}}, 16),
      ParamError);
  const std::string out_of_range = replay_file("out_of_range", {1, 4}, {9, 0, 0, 0});
  EXPECT_THROW(make("sinkhorn", {{"block", Index{4}}, {"replay", out_of_range}}, 16), ParamError);
  const std::string garbage = (std::filesystem::temp_directory_path() / "garbage.npy").string();
  std::ofstream(garbage) << "not numpy at all";
  EXPECT_THROW(make("sinkhorn", {{"block", Index{4}}, {"replay", garbage}}, 16), ParamError);
  EXPECT_THROW(
      make("sinkhorn", {{"block", Index{4}}, {"replay", std::string("/nonexistent.npy")}}, 16),
      ParamError);
  for (const std::string& f : {wrong_shape, out_of_range, garbage}) std::filesystem::remove(f);
}

// Every case of a run replays what the file held when a case first read it.
TEST(Replay, AFileIsReadOncePerShape) {
  const std::string path = replay_file("read_once", {1, 4}, {0, 1, 2, 3});
  EXPECT_EQ(read_replay(path, {1, 4}), (std::vector<std::int32_t>{0, 1, 2, 3}));
  write_npy_i32(path, {1, 4}, {3, 2, 1, 0});
  EXPECT_EQ(read_replay(path, {1, 4}), (std::vector<std::int32_t>{0, 1, 2, 3}));
  EXPECT_THROW(read_replay(path, {2, 2}), ParamError);  // another shape is read and checked
  std::filesystem::remove(path);
}

}  // namespace
}  // namespace attnbench::testing
