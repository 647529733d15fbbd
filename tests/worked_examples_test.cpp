// Every worked example of ../shared/patterns.md, and each closed form against a brute-force count
// at several lengths, ragged ones included.
#include <gtest/gtest.h>

#include "pattern_cases.hpp"

namespace attnbench::testing {
namespace {

using Keys = std::vector<Index>;
using P = std::vector<std::pair<std::string, ParamValue>>;

Keys range(Index a, Index b) {  // [a, b]
  Keys k;
  for (Index i = a; i <= b; ++i) k.push_back(i);
  return k;
}

// The closed form of every head equals the scan, at each length given.
void expect_closed_forms(const std::string& name, const P& params,
                         std::initializer_list<Index> lengths, int heads = 1) {
  for (Index n : lengths) {
    const auto p = make(name, params, n, 0, heads);
    for (int h = 0; h < heads; ++h) {
      const std::optional<Index> closed = p->closed_form_pairs(h);
      ASSERT_TRUE(closed.has_value()) << name << " n=" << n;
      EXPECT_EQ(*closed, count_pairs(*p, h)) << name << " n=" << n << " head " << h;
    }
  }
}

TEST(S2Attn, WorkedExample) {  // n=16, G=4, heads: 0 = A, 1 = B
  const auto flash = make("s2_attn", {{"group", Index{4}}}, 16, 0, 2);
  EXPECT_EQ(keys_of(*flash, 0, 5), (Keys{4, 5}));
  EXPECT_EQ(keys_of(*flash, 0, 3), range(0, 3));
  EXPECT_EQ(count_pairs(*flash, 0), 40);
  EXPECT_EQ(keys_of(*flash, 1, 1), (Keys{0, 1}));
  EXPECT_EQ(keys_of(*flash, 1, 5), range(2, 5));
  EXPECT_EQ(keys_of(*flash, 1, 15), (Keys{14, 15}));
  EXPECT_EQ(count_pairs(*flash, 1), 36);
  const auto roll =
      make("s2_attn", {{"group", Index{4}}, {"variant", std::string("roll")}}, 16, 0, 2);
  EXPECT_EQ(keys_of(*roll, 1, 1), (Keys{0, 1, 14, 15}));  // the causal leak
  EXPECT_EQ(keys_of(*roll, 1, 5), range(2, 5));
  EXPECT_EQ(count_pairs(*roll, 1), 40);
  expect_closed_forms("s2_attn", {}, {64, 1024, 2048}, 2);
  expect_closed_forms("s2_attn", {{"causal", false}}, {64, 4096}, 2);
  // n = 8192, G = 2048: 0.234 of the causal pairs per head pair (patterns.md's example density).
  const Index n = 8192, g = 2048;
  const double density =
      static_cast<double>(n * (g + 1) / 2 + (n / g - 1) * g * (g + 1) / 2 + (g / 2) * (g / 2 + 1)) /
      (2.0 * n * (n + 1) / 2);
  EXPECT_NEAR(density, 0.234, 0.0005);
}

// An odd group, G = 99 (n = 396): LongLoRA's Python rolls by -G//2 = -50 (forward_noflashattn)
// and puts the flash path's boundaries at kG + G//2 = kG + 49 (forward_flashattn's cu_seqlens).
// Expected keys from the official code run on position indices.
TEST(S2Attn, OddGroupFollowsPythonFloorDivision) {
  const auto roll =
      make("s2_attn", {{"group", Index{99}}, {"variant", std::string("roll")}}, 396, 0, 2);
  EXPECT_EQ(keys_of(*roll, 1, 50), (Keys{50}));  // rolled index 0: the first of its group
  EXPECT_EQ(keys_of(*roll, 1, 148), range(50, 148));
  EXPECT_EQ(keys_of(*roll, 1, 149), (Keys{149}));
  Keys leak = range(0, 49);
  for (Index k : range(347, 395)) leak.push_back(k);
  EXPECT_EQ(keys_of(*roll, 1, 49), leak);  // rolled index 395: the last group wraps
  EXPECT_EQ(count_pairs(*roll, 1), 396 * 100 / 2);
  const auto flash = make("s2_attn", {{"group", Index{99}}}, 396, 0, 2);
  EXPECT_EQ(keys_of(*flash, 1, 48), range(0, 48));  // the first segment is [0, 49)
  EXPECT_EQ(keys_of(*flash, 1, 49), (Keys{49}));
  EXPECT_EQ(keys_of(*flash, 1, 147), range(49, 147));
  EXPECT_EQ(keys_of(*flash, 1, 148), (Keys{148}));
  EXPECT_EQ(keys_of(*flash, 1, 395), range(346, 395));
  EXPECT_EQ(count_pairs(*flash, 1), 17350);
}

TEST(Landmark, TrainingWorkedExample) {  // l=3 -> B=4, n'=16
  const auto p = make("landmark", {{"block_tokens", Index{3}}, {"mode", std::string("train")}}, 12);
  ASSERT_EQ(p->geometry().q_len, 16);
  EXPECT_EQ(keys_of(*p, 0, 9), range(0, 9));
  EXPECT_EQ(keys_of(*p, 0, 11), range(0, 10));  // a landmark never sees itself
  EXPECT_EQ(count_pairs(*p, 0), 132);
  expect_closed_forms("landmark", {{"mode", std::string("train")}}, {500, 1000, 5000});
}

TEST(Spade, WorkedExample) {  // n=16, r=3
  const auto causal = make("spade", {{"radius", Index{3}}}, 16);
  EXPECT_EQ(keys_of(*causal, 0, 5), range(2, 5));
  EXPECT_EQ(keys_of(*causal, 0, 1), (Keys{0, 1}));
  EXPECT_EQ(count_pairs(*causal, 0), 58);
  const auto both = make("spade", {{"radius", Index{3}}, {"causal", false}}, 16);
  EXPECT_EQ(keys_of(*both, 0, 5), range(2, 8));
  EXPECT_EQ(count_pairs(*both, 0), 100);
  expect_closed_forms("spade", {}, {3072, 5000});
  // n=3072, r=511 causal: 0.306 of the causal pairs.
  EXPECT_NEAR(
      static_cast<double>(*make("spade", {}, 3072)->closed_form_pairs(0)) / (3072.0 * 3073 / 2),
      0.306, 0.0005);
  EXPECT_FALSE(causal->side_costs(64).empty());
}

TEST(BlockBert, WorkedExample) {
  const auto two =
      make("blockbert", {{"blocks", Index{2}}, {"permutations", IndexList{0, 1, 1, 0}}}, 16, 0, 2);
  EXPECT_EQ(keys_of(*two, 0, 3), range(0, 7));
  EXPECT_EQ(keys_of(*two, 1, 3), range(8, 15));
  const auto three =
      make("blockbert", {{"blocks", Index{3}}, {"permutations", IndexList{1, 2, 0}}}, 15);
  EXPECT_EQ(keys_of(*three, 0, 7), range(10, 14));
  expect_closed_forms("blockbert", {{"blocks", Index{3}}}, {15, 510, 1023}, 12);
  // The default split of 12 heads with 3 blocks: 8 identity, 2 shifted by one, 2 by two.
  const auto split = make("blockbert", {{"blocks", Index{3}}}, 12, 0, 12);
  EXPECT_EQ(keys_of(*split, 7, 0), range(0, 3));
  EXPECT_EQ(keys_of(*split, 8, 0), range(4, 7));
  EXPECT_EQ(keys_of(*split, 11, 0), range(8, 11));
}

TEST(BiBlosan, WorkedExample) {  // n=16: r=4, m=4; rows 16..19 are the block summaries
  const auto fw = make("bi_blosan", {}, 16);
  ASSERT_EQ(fw->geometry().q_len, 20);
  EXPECT_EQ(keys_of(*fw, 0, 4), Keys{});
  EXPECT_EQ(keys_of(*fw, 0, 5), (Keys{4}));
  EXPECT_EQ(keys_of(*fw, 0, 7), (Keys{4, 5, 6}));
  EXPECT_EQ(keys_of(*fw, 0, 17), (Keys{4, 5, 6, 7, 16}));  // s2t block 1 + inter block 0
  EXPECT_EQ(keys_of(*fw, 0, 19), (Keys{12, 13, 14, 15, 16, 17, 18}));
  EXPECT_EQ(count_pairs(*fw, 0), 24 + 6 + 16);
  const auto bw = make("bi_blosan", {{"direction", std::string("bw")}}, 16);
  EXPECT_EQ(keys_of(*bw, 0, 5), (Keys{6, 7}));
  expect_closed_forms("bi_blosan", {}, {16, 256, 2000});
}

TEST(AltUp, WorkedExample) {
  EXPECT_EQ(keys_of(*make("altup", {{"causal", true}}, 16), 0, 5), range(0, 5));
  const auto seq = make("altup", {{"stride", Index{4}}}, 16);
  EXPECT_EQ(keys_of(*seq, 0, 8), (Keys{0, 4, 8, 12}));
  EXPECT_EQ(keys_of(*seq, 0, 9), Keys{});
  EXPECT_EQ(count_pairs(*seq, 0), 16);
  expect_closed_forms("altup", {{"stride", Index{4}}}, {16, 101});
}

TEST(Funnel, WorkedExample) {
  const auto s1 = make("funnel", {{"stage", Index{1}}}, 16);
  EXPECT_EQ(s1->geometry().q_len, 8);
  EXPECT_EQ(s1->geometry().kv_len, 16);
  EXPECT_EQ(count_pairs(*s1, 0), 128);
  const auto s2 = make("funnel", {{"stage", Index{2}}}, 16);
  EXPECT_EQ(s2->geometry().q_len, 4);
  EXPECT_EQ(s2->geometry().kv_len, 8);
}

TEST(Longformer, WorkedExample) {  // n=16
  const auto g = make("longformer", {{"radius", Index{2}}, {"global_tokens", IndexList{0}}}, 16);
  EXPECT_EQ(keys_of(*g, 0, 0), range(0, 15));
  EXPECT_EQ(keys_of(*g, 0, 5), (Keys{0, 3, 4, 5, 6, 7}));
  EXPECT_EQ(keys_of(*g, 0, 15), (Keys{0, 13, 14, 15}));
  EXPECT_EQ(count_pairs(*g, 0), 100);
  const P dilated = {
      {"radius", Index{2}}, {"dilation", IndexList{2}}, {"global_tokens", IndexList{}}};
  EXPECT_EQ(keys_of(*make("longformer", dilated, 16), 0, 8), (Keys{4, 6, 8, 10, 12}));
  EXPECT_EQ(count_pairs(*make("longformer", dilated, 16), 0), 68);
  P causal = dilated;
  causal.emplace_back("causal", true);
  EXPECT_EQ(keys_of(*make("longformer", causal, 16), 0, 8), (Keys{4, 6, 8}));
  EXPECT_EQ(count_pairs(*make("longformer", causal, 16), 0), 42);
  expect_closed_forms("longformer", {{"radius", Index{256}}}, {1500, 2001});
  expect_closed_forms("longformer",
                      {{"global_tokens", IndexList{0, 1, 2, 3}}, {"radius", Index{7}}}, {100, 333});
  expect_closed_forms("longformer", dilated, {100, 333});
  expect_closed_forms("longformer", causal, {100, 333});
  // n=4096, w=256, [CLS] global: 0.122 of n^2.
  EXPECT_NEAR(
      static_cast<double>(*make("longformer", {}, 4096)->closed_form_pairs(0)) / (4096.0 * 4096),
      0.122, 0.0005);
}

TEST(SelfExtend, WorkedExamplePositions) {  // n=16, W=4, G=2, q10
  const auto p = make("self_extend", {{"group", Index{2}}, {"neighbor_window", Index{4}}}, 16);
  EXPECT_EQ(keys_of(*p, 0, 10), range(0, 10));
  const std::vector<std::pair<Index, Index>> expected = {
      {10, 0}, {9, 1}, {8, 2}, {7, 3}, {6, 4}, {5, 5}, {4, 5}, {3, 6}, {2, 6}, {1, 7}, {0, 7}};
  for (auto [j, rel] : expected) EXPECT_EQ(p->relative_position(0, 10, j), rel) << "key " << j;
  expect_closed_forms("self_extend", {}, {16, 1000});
}

TEST(LmInfinite, WorkedExample) {  // n=16, L=4, g=2
  const auto p = make(
      "lm_infinite", {{"local", Index{4}}, {"global", Index{2}}, {"limit_distance", Index{4}}}, 16);
  EXPECT_EQ(keys_of(*p, 0, 3), range(0, 3));
  EXPECT_EQ(keys_of(*p, 0, 5), range(0, 5));
  EXPECT_EQ(keys_of(*p, 0, 10), (Keys{0, 1, 7, 8, 9, 10}));
  EXPECT_EQ(count_pairs(*p, 0), 81);
  for (Index j = 7; j <= 10; ++j) EXPECT_EQ(p->relative_position(0, 10, j), 10 - j);
  EXPECT_EQ(p->relative_position(0, 10, 0), 4);
  EXPECT_EQ(p->relative_position(0, 10, 1), 4);
  expect_closed_forms("lm_infinite", {{"local", Index{100}}, {"global", Index{10}}},
                      {110, 1000, 4097});
  // n=16384, L=4096, g=10: 0.438 of the causal pairs.
  EXPECT_NEAR(static_cast<double>(*make("lm_infinite", {}, 16384)->closed_form_pairs(0)) /
                  (16384.0 * 16385 / 2),
              0.438, 0.0005);
}

TEST(StreamingLlm, WorkedExample) {  // n=16, S=2, W=4, q10
  const auto p = make("streaming_llm", {{"sinks", Index{2}}, {"window", Index{4}}}, 16);
  EXPECT_EQ(keys_of(*p, 0, 10), (Keys{0, 1, 7, 8, 9, 10}));
  EXPECT_EQ(p->relative_position(0, 10, 0), 5);
  EXPECT_EQ(p->relative_position(0, 10, 1), 4);
  for (Index j = 7; j <= 10; ++j) EXPECT_EQ(p->relative_position(0, 10, j), 10 - j);
  EXPECT_EQ(count_pairs(*p, 0), 81);
  expect_closed_forms("streaming_llm", {}, {2004, 5000});
  // n=16384, cache 4+2044: 0.234 of the causal pairs.
  EXPECT_NEAR(static_cast<double>(
                  *make("streaming_llm", {{"window", Index{2044}}}, 16384)->closed_form_pairs(0)) /
                  (16384.0 * 16385 / 2),
              0.234, 0.0005);
}

// Multi-turn chat (docs/patterns.md, streaming_llm): n = 16, S = 2, W = 6, turns [4, 2, 4],
// gen_tokens 3. Turn 1 keeps one recent key (5); turn 2's prompt and generation (7) exceed the
// window, so only the sinks stay. Expected keys from streaming-llm's evict_for_space run on
// position indices.
TEST(StreamingLlm, MultiTurnWorkedExample) {
  const P chat = {{"sinks", Index{2}},
                  {"window", Index{6}},
                  {"turns", IndexList{4, 2, 4}},
                  {"gen_tokens", Index{3}}};
  const auto p = make("streaming_llm", chat, 16);
  EXPECT_EQ(keys_of(*p, 0, 5), range(0, 5));  // the first turn is never evicted
  EXPECT_EQ(keys_of(*p, 0, 6), (Keys{0, 1, 5, 6}));
  EXPECT_EQ(keys_of(*p, 0, 9), (Keys{0, 1, 5, 6, 7, 8, 9}));
  EXPECT_EQ(keys_of(*p, 0, 10), (Keys{0, 1, 10}));
  EXPECT_EQ(keys_of(*p, 0, 15), (Keys{0, 1, 10, 11, 12, 13, 14, 15}));
  EXPECT_EQ(count_pairs(*p, 0), 76);
  EXPECT_EQ(p->closed_form_pairs(0), 76);
  // Cache slots: the sinks at 0 and 1, keys 5 .. 9 at 2 .. 6; q15's keys 10 .. 15 at 2 .. 7.
  EXPECT_EQ(p->relative_position(0, 9, 0), 6);
  EXPECT_EQ(p->relative_position(0, 9, 5), 4);
  EXPECT_EQ(p->relative_position(0, 15, 1), 6);
  // The same chat with W = 5: turn 1 keeps no recent key.
  const auto narrow = make("streaming_llm",
                           {{"sinks", Index{2}},
                            {"window", Index{5}},
                            {"turns", IndexList{4, 2, 4}},
                            {"gen_tokens", Index{3}}},
                           16);
  EXPECT_EQ(keys_of(*narrow, 0, 6), (Keys{0, 1, 6}));
  EXPECT_EQ(count_pairs(*narrow, 0), 72);
  expect_closed_forms("streaming_llm",
                      {{"sinks", Index{4}},
                       {"window", Index{20}},
                       {"turns", IndexList{20, 10, 10}},
                       {"gen_tokens", Index{9}}},
                      {64});
  EXPECT_EQ(count_pairs(*make("streaming_llm",
                              {{"sinks", Index{3}},
                               {"window", Index{48}},
                               {"turns", IndexList{40, 30, 21}},
                               {"gen_tokens", Index{14}}},
                              130),
                        0),
            3817);
}

TEST(LongT5, WorkedExample) {  // n=16, r=2, k=4, g=4; globals are keys 16..19
  const auto p = make("longt5", {{"radius", Index{2}}, {"block_tokens", Index{4}}}, 16);
  ASSERT_EQ(p->geometry().kv_len, 20);
  EXPECT_EQ(keys_of(*p, 0, 5), (Keys{3, 4, 5, 6, 7, 16, 17, 18, 19}));
  EXPECT_EQ(count_pairs(*p, 0), 138);
  EXPECT_EQ(
      count_pairs(*make("longt5", {{"radius", Index{2}}, {"mode", std::string("local")}}, 16), 0),
      74);
  const auto causal =
      make("longt5", {{"radius", Index{2}}, {"block_tokens", Index{4}}, {"causal", true}}, 16);
  EXPECT_EQ(keys_of(*causal, 0, 5), (Keys{3, 4, 5, 16}));
  expect_closed_forms("longt5", {}, {1000, 3001});
  // n=16384: TGlobal 0.078 of n^2, local alone 0.016.
  EXPECT_NEAR(
      static_cast<double>(*make("longt5", {}, 16384)->closed_form_pairs(0)) / (16384.0 * 16384),
      0.078, 0.0005);
  EXPECT_NEAR(static_cast<double>(
                  *make("longt5", {{"mode", std::string("local")}}, 16384)->closed_form_pairs(0)) /
                  (16384.0 * 16384),
              0.016, 0.0005);
}

TEST(Etc, WorkedExample) {  // n_l=16, n_g=4, segment 4, r=2: rows 0..3 global, 4..19 long
  const auto p = make("etc", {{"radius", Index{2}}, {"segment", Index{4}}}, 16);
  ASSERT_EQ(p->geometry().q_len, 20);
  EXPECT_EQ(keys_of(*p, 0, 4 + 5), (Keys{0, 1, 2, 3, 4 + 3, 4 + 4, 4 + 5, 4 + 6, 4 + 7}));
  EXPECT_EQ(keys_of(*p, 0, 1), (Keys{0, 1, 2, 3, 4 + 4, 4 + 5, 4 + 6, 4 + 7}));
  EXPECT_EQ(count_pairs(*p, 0), 170);
  expect_closed_forms("etc", {{"segment", Index{16}}}, {4096, 1600});
}

// More globals than segments: the extra globals have no segment of their own (hard g2l); with
// fewer than the segments, hard l2g would leave long tokens without a global.
TEST(Etc, GlobalCountThatDiffersFromTheSegments) {
  const auto p =
      make("etc", {{"radius", Index{2}}, {"segment", Index{4}}, {"global_count", Index{6}}}, 16);
  ASSERT_EQ(p->geometry().q_len, 22);
  EXPECT_EQ(keys_of(*p, 0, 3), (Keys{0, 1, 2, 3, 4, 5, 6 + 12, 6 + 13, 6 + 14, 6 + 15}));
  EXPECT_EQ(keys_of(*p, 0, 4), range(0, 5));
  EXPECT_EQ(keys_of(*p, 0, 5), range(0, 5));
  EXPECT_THROW(
      make("etc", {{"segment", Index{4}}, {"global_count", Index{2}}, {"hard_l2g", true}}, 16),
      ParamError);
}

TEST(ChunkedLocal, WorkedExample) {  // c=4, n=16
  const auto p = make("chunked_local", {{"chunk", Index{4}}}, 16);
  EXPECT_EQ(keys_of(*p, 0, 9), range(4, 9));
  EXPECT_EQ(count_pairs(*p, 0), 88);
  expect_closed_forms("chunked_local", {{"chunk", Index{128}}}, {1024, 2048});
}

TEST(ComparisonPatterns, ClosedForms) {
  expect_closed_forms("prefix_lm", {{"prefix", Index{37}}}, {37, 100, 1001});
  expect_closed_forms("document", {{"lengths", IndexList{10, 90, 1}}, {"causal", true}}, {101});
  expect_closed_forms("dilated_window", {{"radius", Index{5}}, {"dilation", Index{3}}},
                      {100, 1001});
  expect_closed_forms("dilated_window",
                      {{"radius", Index{5}}, {"dilation", Index{3}}, {"causal", true}},
                      {100, 1001});
  expect_closed_forms("sliding_window", {{"left", Index{9}}, {"right", Index{3}}}, {100, 1001});
  EXPECT_EQ(keys_of(*make("prefix_lm", {{"prefix", Index{4}}}, 10), 0, 1), range(0, 3));
  const auto strided = make("strided", {{"stride", Index{4}}}, 16);
  EXPECT_EQ(keys_of(*strided, 0, 10), (Keys{2, 6, 7, 8, 9, 10}));
  const auto fixed = make(
      "strided", {{"mode", std::string("fixed")}, {"stride", Index{4}}, {"summary", Index{1}}}, 16);
  EXPECT_EQ(keys_of(*fixed, 0, 10), (Keys{3, 7, 8, 9, 10}));
}

// 8 x 8 image, 3 x 3 kernel: a corner query's window is clamped inside the image.
TEST(Neighborhood2d, WorkedExample) {
  const auto p = make("neighborhood_2d", {{"width", Index{8}}}, 64);
  EXPECT_EQ(keys_of(*p, 0, 0), (Keys{0, 1, 2, 8, 9, 10, 16, 17, 18}));
  EXPECT_EQ(keys_of(*p, 0, 9), (Keys{0, 1, 2, 8, 9, 10, 16, 17, 18}));
  EXPECT_EQ(keys_of(*p, 0, 63), (Keys{45, 46, 47, 53, 54, 55, 61, 62, 63}));
  EXPECT_EQ(count_pairs(*p, 0), 64 * 9);
  // Dilation 2: four interleaved 4 x 4 sub-grids; pixel (1, 1) lives in the odd/odd one.
  const auto dilated = make("neighborhood_2d", {{"width", Index{8}}, {"dilation", Index{2}}}, 64);
  EXPECT_EQ(keys_of(*dilated, 0, 0), (Keys{0, 2, 4, 16, 18, 20, 32, 34, 36}));
  EXPECT_EQ(keys_of(*dilated, 0, 9), (Keys{9, 11, 13, 25, 27, 29, 41, 43, 45}));
  const auto causal = make("neighborhood_2d", {{"width", Index{8}}, {"causal", true}}, 64);
  EXPECT_EQ(keys_of(*causal, 0, 9), (Keys{0, 1, 2, 8, 9}));
  // A 2-row image is shorter than the kernel: every row is in reach.
  EXPECT_EQ(keys_of(*make("neighborhood_2d", {{"width", Index{8}}}, 16), 0, 0),
            (Keys{0, 1, 2, 8, 9, 10}));
  expect_closed_forms("neighborhood_2d", {{"width", Index{10}}, {"kernel_w", Index{5}}},
                      {200, 1000});
  EXPECT_THROW(make("neighborhood_2d", {{"width", Index{8}}}, 97), ParamError);
  EXPECT_THROW(make("neighborhood_2d", {{"width", Index{8}}, {"kernel_h", Index{4}}}, 64),
               ParamError);
}

// L = 8 of x_t then 8 of x_0, blocks of 4: x_t rows see their block and the x_0 blocks before.
TEST(BlockDiffusion, WorkedExample) {
  const auto p = make("block_diffusion", {{"block", Index{4}}}, 16);
  EXPECT_EQ(keys_of(*p, 0, 2), range(0, 3));
  EXPECT_EQ(keys_of(*p, 0, 5), range(4, 11));
  EXPECT_EQ(keys_of(*p, 0, 9), range(8, 11));
  EXPECT_EQ(keys_of(*p, 0, 13), range(8, 15));
  EXPECT_EQ(count_pairs(*p, 0), 96);
  // Blocks of 3 over L = 8: 3, 3 and a last block of 2; 2 (3*3 + 3*6 + 2*8) pairs.
  EXPECT_EQ(count_pairs(*make("block_diffusion", {{"block", Index{3}}}, 16), 0), 86);
  expect_closed_forms("block_diffusion", {{"block", Index{16}}}, {200, 1000});
  EXPECT_THROW(make("block_diffusion", {}, 97), ParamError);
}

TEST(GlobalColumnsAndRows, WorkedExample) {
  const auto columns = make("global_columns", {{"keys", IndexList{0, 5, 9}}, {"causal", true}}, 16);
  EXPECT_EQ(keys_of(*columns, 0, 4), (Keys{0}));
  EXPECT_EQ(keys_of(*columns, 0, 9), (Keys{0, 5, 9}));
  EXPECT_EQ(count_pairs(*columns, 0), 16 + 11 + 7);
  const auto blocks = make(
      "global_columns", {{"blocks", IndexList{0, 2}}, {"block", Index{4}}, {"causal", true}}, 16);
  EXPECT_EQ(keys_of(*blocks, 0, 5), range(0, 3));
  EXPECT_EQ(keys_of(*blocks, 0, 9), (Keys{0, 1, 2, 3, 8, 9}));
  expect_closed_forms("global_columns", {{"keys", IndexList{3, 3, 1}}}, {16, 200});
  EXPECT_THROW(make("global_columns", {{"keys", IndexList{16}}}, 16), ParamError);
  const auto rows = make("global_rows", {{"queries", IndexList{0, 7, 15}}, {"causal", true}}, 16);
  EXPECT_EQ(keys_of(*rows, 0, 7), range(0, 7));
  EXPECT_TRUE(keys_of(*rows, 0, 3).empty());
  EXPECT_EQ(count_pairs(*rows, 0), 1 + 8 + 16);
  expect_closed_forms("global_rows", {{"queries", IndexList{3, 3, 10}}}, {16, 200});
}

// exclude_self: a query keeps its own key only when it sees no other.
TEST(ExcludeSelf, WorkedExample) {
  const auto window =
      make("sliding_window", {{"radius", Index{2}}, {"causal", true}, {"exclude_self", true}}, 16);
  EXPECT_EQ(keys_of(*window, 0, 0), (Keys{0}));
  EXPECT_EQ(keys_of(*window, 0, 1), (Keys{0}));
  EXPECT_EQ(keys_of(*window, 0, 5), (Keys{3, 4}));
  EXPECT_EQ(count_pairs(*window, 0), 1 + 1 + 14 * 2);
  const auto block = make("block_local", {{"block", Index{4}}, {"exclude_self", true}}, 16);
  EXPECT_EQ(keys_of(*block, 0, 5), (Keys{4, 6, 7}));
  const auto chunks = make("chunked_local", {{"chunk", Index{4}}, {"exclude_self", true}}, 16);
  EXPECT_EQ(keys_of(*chunks, 0, 0), (Keys{0}));
  EXPECT_EQ(keys_of(*chunks, 0, 5), range(0, 4));
  for (const char* name : {"sliding_window", "block_local", "chunked_local"}) {
    const P params = {{"exclude_self", true}};
    expect_closed_forms(name, params, {512, 1024});
  }
  expect_closed_forms("block_local",
                      {{"block", Index{3}}, {"causal", true}, {"exclude_self", true}}, {16, 100});
  expect_closed_forms("sliding_window", {{"radius", Index{0}}, {"exclude_self", true}}, {16});
}

}  // namespace
}  // namespace attnbench::testing
