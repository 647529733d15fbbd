// Masks of public implementations expressed with `document`, `strided` (fixed) and
// `block_local`: the worked examples of docs/patterns.md, the closed forms against a count, and
// each mask against a small re-statement of the upstream code that builds it (xformers'
// attn_bias materialize(), DeepSpeed's sparsity_config.py layouts at block size 1).
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <vector>

#include "config_loading.hpp"
#include "core/interval_pattern.hpp"
#include "pattern_cases.hpp"

namespace attnbench::testing {
namespace {

using Keys = std::vector<Index>;
using P = std::vector<std::pair<std::string, ParamValue>>;
using Mask = std::vector<std::vector<bool>>;  // [query row][key]

Keys range(Index a, Index b) {  // [a, b]
  Keys k;
  for (Index i = a; i <= b; ++i) k.push_back(i);
  return k;
}

Mask mask_of(const Pattern& p, int head = 0) {
  const Geometry& g = p.geometry();
  Mask m(static_cast<std::size_t>(g.q_len), std::vector<bool>(static_cast<std::size_t>(g.kv_len)));
  for (Index r = 0; r < g.q_len; ++r) {
    for (Index k = 0; k < g.kv_len; ++k)
      m[static_cast<std::size_t>(r)][static_cast<std::size_t>(k)] =
          p.allows(head, r + g.q_offset, k);
  }
  return m;
}

void expect_closed_form(const Pattern& p) {
  for (int h = 0; h < p.geometry().heads; ++h) {
    const std::optional<Index> closed = p.closed_form_pairs(h);
    ASSERT_TRUE(closed.has_value());
    EXPECT_EQ(*closed, count_pairs(p, h)) << "head " << h;
  }
}

// ---- document: xformers' block-diagonal biases -------------------------------------------

// BlockDiagonal*Mask.materialize(): each document's block of queries x keys, causal as
// LowerTriangularMask (top-left: triu(diagonal=1)) or from the bottom right
// (triu(diagonal=1 + keys - queries)); padded key blocks start at d * padding. A shared
// document adds the earlier document's keys (attention-gym's or_masks of a prefix rule).
Mask xformers_reference(const IndexList& lengths, const IndexList& keys, Index padding, bool causal,
                        bool bottom_right, const IndexList& sees = {}) {
  Index q_len = 0, kv_len = 0;
  IndexList q_start, k_start;
  for (std::size_t d = 0; d < lengths.size(); ++d) {
    q_start.push_back(q_len);
    k_start.push_back(padding ? static_cast<Index>(d) * padding : kv_len);
    q_len += lengths[d];
    kv_len += padding ? padding : keys[d];
  }
  Mask m(static_cast<std::size_t>(q_len), std::vector<bool>(static_cast<std::size_t>(kv_len)));
  for (std::size_t d = 0; d < lengths.size(); ++d) {
    const Index L = lengths[d], K = keys[d], diagonal = bottom_right ? K - L : 0;
    for (Index r = 0; r < L; ++r) {
      auto& row = m[static_cast<std::size_t>(q_start[d] + r)];
      for (Index c = 0; c < K; ++c) {
        if (!causal || c <= r + diagonal) row[static_cast<std::size_t>(k_start[d] + c)] = true;
      }
      if (!sees.empty() && sees[d] >= 0) {
        const auto s = static_cast<std::size_t>(sees[d]);
        for (Index c = 0; c < keys[s]; ++c) row[static_cast<std::size_t>(k_start[s] + c)] = true;
      }
    }
  }
  return m;
}

TEST(DocumentKvLengths, WorkedExample) {  // lengths [2, 3], kv_lengths [4, 6]: 5 x 10
  const P base = {{"lengths", IndexList{2, 3}}, {"kv_lengths", IndexList{4, 6}}};
  const auto whole = make("document", base, 5, 10);
  EXPECT_EQ(keys_of(*whole, 0, 0), range(0, 3));
  EXPECT_EQ(keys_of(*whole, 0, 2), range(4, 9));
  EXPECT_EQ(count_pairs(*whole, 0), 26);
  P causal = base;
  causal.emplace_back("causal", true);
  const auto top_left = make("document", causal, 5, 10);
  EXPECT_EQ(keys_of(*top_left, 0, 1), range(0, 1));
  EXPECT_EQ(keys_of(*top_left, 0, 4), range(4, 6));
  EXPECT_EQ(count_pairs(*top_left, 0), 9);
  causal.emplace_back("align", std::string("bottom_right"));
  const auto bottom_right = make("document", causal, 5, 10);
  EXPECT_EQ(keys_of(*bottom_right, 0, 0), range(0, 2));
  EXPECT_EQ(keys_of(*bottom_right, 0, 2), range(4, 7));
  EXPECT_EQ(keys_of(*bottom_right, 0, 4), range(4, 9));
  EXPECT_EQ(count_pairs(*bottom_right, 0), 22);
  for (const auto* p : {whole.get(), top_left.get(), bottom_right.get()}) expect_closed_form(*p);
}

TEST(DocumentKvPadding, WorkedExample) {  // lengths [2, 1], slots of 4, keys [3, 2]: 3 x 8
  const P params = {{"lengths", IndexList{2, 1}},
                    {"kv_padding", Index{4}},
                    {"kv_lengths", IndexList{3, 2}},
                    {"causal", true},
                    {"align", std::string("bottom_right")}};
  const auto p = make("document", params, 3, 8);
  EXPECT_EQ(keys_of(*p, 0, 0), range(0, 1));
  EXPECT_EQ(keys_of(*p, 0, 1), range(0, 2));
  EXPECT_EQ(keys_of(*p, 0, 2), range(4, 5));
  EXPECT_EQ(count_pairs(*p, 0), 7);
  expect_closed_form(*p);
  const auto whole = make(
      "document",
      {{"lengths", IndexList{2, 3}}, {"kv_padding", Index{4}}, {"kv_lengths", IndexList{3, 2}}}, 5,
      8);
  EXPECT_EQ(keys_of(*whole, 0, 0), range(0, 2));
  EXPECT_EQ(keys_of(*whole, 0, 3), range(4, 5));
  EXPECT_EQ(count_pairs(*whole, 0), 12);
}

TEST(DocumentSeesDocument, WorkedExample) {  // a 4-token prompt, two 6-token completions
  const P shared = {{"lengths", IndexList{4, 6, 6}}, {"sees_document", IndexList{-1, 0, 0}}};
  const auto whole = make("document", shared, 16);
  EXPECT_EQ(count_pairs(*whole, 0), 136);
  P causal = shared;
  causal.emplace_back("causal", true);
  const auto p = make("document", causal, 16);
  EXPECT_EQ(keys_of(*p, 0, 2), range(0, 2));
  Keys q5 = range(0, 5);
  EXPECT_EQ(keys_of(*p, 0, 5), q5);
  Keys q12 = range(0, 3);
  for (Index k : range(10, 12)) q12.push_back(k);
  EXPECT_EQ(keys_of(*p, 0, 12), q12);
  EXPECT_EQ(count_pairs(*p, 0), 100);
  expect_closed_form(*whole);
  expect_closed_form(*p);
}

TEST(Document, MatchesXformersMaterialize) {
  struct Case {
    IndexList lengths, keys;
    Index padding;
    IndexList sees;
  };
  const std::vector<Case> cases = {
      {{5, 3, 8}, {5, 3, 8}, 0, {}},         {{2, 3}, {4, 6}, 0, {}},
      {{7, 1, 4}, {9, 3, 4}, 0, {-1, 0, 1}}, {{3, 2, 4}, {3, 4, 2}, 5, {}},
      {{4, 4}, {6, 5}, 8, {-1, 0}},          {{6, 2}, {2, 6}, 0, {}},
  };
  for (const Case& c : cases) {
    for (bool causal : {false, true}) {
      for (bool bottom_right : {false, true}) {
        bool fewer_keys = false;
        for (std::size_t d = 0; d < c.lengths.size(); ++d)
          fewer_keys = fewer_keys || c.keys[d] < c.lengths[d];
        const bool refused = causal && bottom_right && fewer_keys;
        const Mask want =
            xformers_reference(c.lengths, c.keys, c.padding, causal, bottom_right, c.sees);
        const P params = {{"lengths", c.lengths},
                          {"kv_lengths", c.keys},
                          {"kv_padding", c.padding},
                          {"sees_document", c.sees},
                          {"causal", causal},
                          {"align", std::string(bottom_right ? "bottom_right" : "top_left")}};
        const auto q_len = static_cast<Index>(want.size()),
                   kv_len = static_cast<Index>(want.front().size());
        if (refused) {
          EXPECT_THROW(make("document", params, q_len, kv_len), ParamError);
          continue;
        }
        const auto p = make("document", params, q_len, kv_len);
        EXPECT_EQ(mask_of(*p), want)
            << "causal " << causal << " bottom_right " << bottom_right << " padding " << c.padding;
        expect_closed_form(*p);
      }
    }
  }
}

TEST(Document, RefusesWhatUpstreamRefuses) {
  const auto refused_on = [](const P& params, Index q_len, Index kv_len) -> std::string {
    try {
      make("document", params, q_len, kv_len);
    } catch (const ParamError& e) {
      return e.param();
    }
    return "";
  };
  EXPECT_EQ(refused_on({{"lengths", IndexList{2, 3}}, {"kv_lengths", IndexList{4, 5}}}, 5, 10),
            "kv_lengths");  // 9 keys for 10
  EXPECT_EQ(refused_on({{"lengths", IndexList{2, 3}}, {"kv_lengths", IndexList{10}}}, 5, 10),
            "kv_lengths");                                                  // one per document
  EXPECT_EQ(refused_on({{"lengths", IndexList{2, 3}}}, 5, 10), "lengths");  // keys unsplit
  EXPECT_EQ(refused_on({{"lengths", IndexList{2, 2}}}, 5, 5), "lengths");
  EXPECT_EQ(
      refused_on(
          {{"lengths", IndexList{2, 3}}, {"kv_padding", Index{4}}, {"kv_lengths", IndexList{5, 2}}},
          5, 8),
      "kv_lengths");  // more keys than the slot
  EXPECT_EQ(refused_on({{"lengths", IndexList{2, 3}}, {"kv_padding", Index{4}}}, 5, 10),
            "kv_padding");  // 2 x 4 slots for 10 keys
  EXPECT_EQ(refused_on({{"lengths", IndexList{2, 3}}, {"sees_document", IndexList{-1, 1}}}, 5, 5),
            "sees_document");  // itself, not an earlier one
  EXPECT_EQ(refused_on({{"lengths", IndexList{2, 3}}, {"sees_document", IndexList{1, -1}}}, 5, 5),
            "sees_document");
  EXPECT_EQ(refused_on({{"lengths", IndexList{2, 3}},
                        {"kv_lengths", IndexList{1, 4}},
                        {"causal", true},
                        {"align", std::string("bottom_right")}},
                       5, 5),
            "kv_lengths");  // xformers: a block needs at least as many keys as queries
}

// ---- strided fixed: DeepSpeed's FixedSparsityConfig ---------------------------------------

// FixedSparsityConfig.make_layout for one head at block size 1 (one block per token), with
// num_local_blocks l, num_global_blocks c and the head's pattern index o (h mod
// num_different_global_patterns upstream): set_local_layout then set_global_layout.
Mask deepspeed_fixed(Index n, Index l, Index c, Index o, bool unidirectional, bool horizontal) {
  Mask m(static_cast<std::size_t>(n), std::vector<bool>(static_cast<std::size_t>(n)));
  const auto set = [&](Index r0, Index r1, Index c0, Index c1) {  // layout[r0:r1, c0:c1] = 1
    for (Index r = std::max<Index>(r0, 0); r < std::min(r1, n); ++r)
      for (Index k = std::max<Index>(c0, 0); k < std::min(c1, n); ++k)
        m[static_cast<std::size_t>(r)][static_cast<std::size_t>(k)] = true;
  };
  for (Index i = 0; i < n; i += l) {
    const Index end = std::min(i + l, n);
    for (Index row = i; row < end; ++row) set(row, row + 1, i, unidirectional ? row + 1 : end);
  }
  const Index first = l - (1 + o) * c, end = n - n % l;
  for (Index i = first; i < end; i += l) {
    set(unidirectional ? i : 0, n, i, i + c);
    if (horizontal) set(i, i + c, 0, n);
  }
  if (end < n) {  // "handle possible short last local window"
    const Index start = std::min(end + first, n - c);
    set(unidirectional ? start : 0, n, start, start + c);
    if (horizontal) set(start, start + c, 0, n);
  }
  return m;
}

Mask lower_triangle(Mask m) {
  for (std::size_t r = 0; r < m.size(); ++r)
    for (std::size_t k = r + 1; k < m[r].size(); ++k) m[r][k] = false;
  return m;
}

P fixed(Index l, Index c) {
  return {{"mode", std::string("fixed")}, {"stride", l}, {"summary", c}};
}

TEST(StridedFixed, WorkedExample) {  // n = 16, l = 4, c = 1; heads 0..3 at offsets 0..3
  P per_head = fixed(4, 1);
  per_head.emplace_back("summary_offset", IndexList{0, 1, 2, 3});
  const auto causal = make("strided", per_head, 16, 0, 4);
  EXPECT_EQ(keys_of(*causal, 0, 10), (Keys{3, 7, 8, 9, 10}));
  EXPECT_EQ(keys_of(*causal, 1, 10), (Keys{2, 6, 8, 9, 10}));
  EXPECT_EQ(keys_of(*causal, 3, 10), (Keys{0, 4, 8, 9, 10}));
  EXPECT_TRUE(causal->varies_by_head());
  for (int h = 0; h < 4; ++h) EXPECT_EQ(count_pairs(*causal, h), 64);
  expect_closed_form(*causal);

  P both = fixed(4, 1);
  both.emplace_back("causal", false);
  const auto bidirectional = make("strided", both, 16);
  EXPECT_EQ(keys_of(*bidirectional, 0, 10), (Keys{3, 7, 8, 9, 10, 11, 15}));
  EXPECT_EQ(count_pairs(*bidirectional, 0), 112);
  both.emplace_back("horizontal", true);
  const auto horizontal = make("strided", both, 16);
  EXPECT_EQ(keys_of(*horizontal, 0, 11), range(0, 15));
  EXPECT_EQ(count_pairs(*horizontal, 0), 148);
  P rows = fixed(4, 1);
  rows.emplace_back("horizontal", true);
  const auto causal_rows = make("strided", rows, 16);
  EXPECT_EQ(keys_of(*causal_rows, 0, 11), range(0, 11));
  EXPECT_EQ(count_pairs(*causal_rows, 0), 82);
  for (const auto* p : {bidirectional.get(), horizontal.get(), causal_rows.get()})
    expect_closed_form(*p);

  // n = 18: the short last window [16, 18) keeps one summary position, moved back to 17.
  P short_last = fixed(4, 1);
  short_last.emplace_back("causal", false);
  const auto ragged = make("strided", short_last, 18);
  EXPECT_EQ(keys_of(*ragged, 0, 0), (Keys{0, 1, 2, 3, 7, 11, 15, 17}));
  EXPECT_FALSE(ragged->closed_form_pairs(0).has_value());
}

TEST(StridedFixed, MatchesDeepSpeedLayouts) {
  struct Case {
    Index n, l, c;
  };
  for (const Case& s : {Case{16, 4, 1}, Case{18, 4, 1}, Case{40, 8, 2}, Case{45, 8, 2},
                        Case{37, 6, 3}, Case{13, 4, 2}, Case{9, 8, 2}}) {
    for (Index o = 0; o * s.c + s.c <= s.l; ++o) {
      for (bool horizontal : {false, true}) {
        P params = fixed(s.l, s.c);
        params.emplace_back("summary_offset", o);
        params.emplace_back("horizontal", horizontal);
        P both = params;
        both.emplace_back("causal", false);
        const std::string what =
            fmt::format("n={} l={} c={} o={} horizontal={}", s.n, s.l, s.c, o, horizontal);
        EXPECT_EQ(mask_of(*make("strided", both, s.n)),
                  deepspeed_fixed(s.n, s.l, s.c, o, false, horizontal))
            << what;
        // Unidirectional: DeepSpeed keeps a summary span's later keys in its first rows when
        // c > 1 (and has no horizontal rows); attnbench is causal at token level.
        if (horizontal) continue;
        const Mask upstream = deepspeed_fixed(s.n, s.l, s.c, o, true, false);
        EXPECT_EQ(mask_of(*make("strided", params, s.n)), lower_triangle(upstream)) << what;
        if (s.c > 1) {
          EXPECT_NE(upstream, lower_triangle(upstream)) << what;
        }
      }
    }
  }
}

// The rule before summary_offset, horizontal and causal existed: the default masks are unchanged
// on every geometry, ragged and rectangular ones included.
TEST(StridedFixed, DefaultsKeepTheEarlierMask) {
  for (const auto& [l, c] : std::vector<std::pair<Index, Index>>{{4, 1}, {8, 2}, {4, 6}, {5, 0}}) {
    for (const auto& [q_len, kv_len] :
         std::vector<std::pair<Index, Index>>{{16, 16}, {18, 18}, {50, 130}, {130, 50}, {97, 97}}) {
      for (const char* align : {"top_left", "bottom_right"}) {
        P params = fixed(l, c);
        params.emplace_back("align", std::string(align));
        const auto p = make("strided", params, q_len, kv_len);
        const Geometry& g = p->geometry();
        for (Index r = 0; r < q_len; ++r) {
          const Index q = r + g.q_offset;
          for (Index k = 0; k < kv_len; ++k) {
            const bool before = k <= q && (floor_div(k, l) == floor_div(q, l) || k % l >= l - c);
            ASSERT_EQ(p->allows(0, q, k), before)
                << "l=" << l << " c=" << c << " " << align << " q" << q_len << " kv" << kv_len
                << " row " << r << " key " << k;
          }
        }
      }
    }
  }
}

TEST(StridedFixed, RefusesOptionsOutsideFixedMode) {
  for (const P& strided :
       {P{{"causal", false}}, P{{"horizontal", true}}, P{{"summary_offset", Index{1}}}}) {
    EXPECT_THROW(make("strided", strided, 16), ParamError);
  }
  P too_far = fixed(8, 2);
  too_far.emplace_back("summary_offset", Index{4});  // 2 x 5 > 8
  EXPECT_THROW(make("strided", too_far, 16), ParamError);
  P wrong_count = fixed(8, 2);
  wrong_count.emplace_back("summary_offset", IndexList{0, 1, 2});
  EXPECT_THROW(make("strided", wrong_count, 16, 0, 4), ParamError);
}

// ---- block_local with listed sizes: DeepSpeed's VariableSparsityConfig --------------------

// VariableSparsityConfig.set_local_layout at block size 1.
Mask deepspeed_variable_local(Index n, const IndexList& sizes, bool unidirectional) {
  Mask m(static_cast<std::size_t>(n), std::vector<bool>(static_cast<std::size_t>(n)));
  const auto window = [&](Index start, Index end) {
    for (Index row = start; row < end; ++row)
      for (Index col = start; col < (unidirectional ? row + 1 : end); ++col)
        m[static_cast<std::size_t>(row)][static_cast<std::size_t>(col)] = true;
  };
  Index start = 0, end = 0;
  for (Index size : sizes) {
    end = std::min(end + size, n);
    window(start, end);
    start += size;
  }
  for (Index i = start; i < n; i += sizes.back()) window(i, std::min(i + sizes.back(), n));
  return m;
}

TEST(BlockLocalSizes, WorkedExample) {  // n = 16, block [2, 3, 4]: 2, 3, 4, 4 and a cut 3
  const auto p = make("block_local", {{"block", IndexList{2, 3, 4}}}, 16);
  EXPECT_EQ(keys_of(*p, 0, 1), range(0, 1));
  EXPECT_EQ(keys_of(*p, 0, 4), range(2, 4));
  EXPECT_EQ(keys_of(*p, 0, 10), range(9, 12));
  EXPECT_EQ(keys_of(*p, 0, 14), range(13, 15));
  EXPECT_EQ(count_pairs(*p, 0), 54);
  const auto causal = make("block_local", {{"block", IndexList{2, 3, 4}}, {"causal", true}}, 16);
  EXPECT_EQ(keys_of(*causal, 0, 10), range(9, 10));
  EXPECT_EQ(count_pairs(*causal, 0), 35);
  expect_closed_form(*p);
  expect_closed_form(*causal);
}

TEST(BlockLocalSizes, MatchesDeepSpeedVariable) {
  for (const IndexList& sizes : {IndexList{4}, IndexList{2, 3, 4}, IndexList{5, 1}, IndexList{1, 6},
                                 IndexList{3, 3, 2, 7}, IndexList{20, 4}}) {
    for (Index n : {Index{16}, Index{25}, Index{31}}) {
      for (bool causal : {false, true}) {
        if (sizes.front() > n) continue;
        const auto p = make("block_local", {{"block", sizes}, {"causal", causal}}, n);
        EXPECT_EQ(mask_of(*p), deepspeed_variable_local(n, sizes, causal))
            << format_value(sizes) << " n=" << n << " causal " << causal;
        expect_closed_form(*p);
        const auto alone =
            make("block_local", {{"block", sizes}, {"causal", causal}, {"exclude_self", true}}, n);
        expect_closed_form(*alone);
      }
    }
  }
}

// ---- configs: new parameters keep the ids at their defaults, errors are located -----------

TEST(PublicMasksConfig, DefaultsKeepIdsAndOneSizeIsAnInt) {
  const Experiment e = load(R"(seq_len: 64
patterns:
  - {name: document, params: {lengths: [32, 32]}}
  - {name: strided, params: {mode: fixed, stride: 8, summary: 2}}
  - {name: block_local, params: {block: 8}}
  - {name: block_local, label: listed, params: {block: [4, 8]}}
executor: sparse
)");
  ASSERT_EQ(e.cases.size(), 4u);
  EXPECT_EQ(e.cases[0].pattern.text(), "document:lengths=[32,32],causal=false,align=top_left");
  EXPECT_EQ(e.cases[1].pattern.text(), "strided:mode=fixed,stride=8,summary=2,align=top_left");
  EXPECT_EQ(e.cases[2].pattern.text(), "block_local:block=8,causal=false,align=top_left");
  EXPECT_EQ(e.cases[3].pattern.text(), "block_local:block=[4,8],causal=false,align=top_left");
  const Experiment one = load(
      "seq_len: 64\npatterns: [{name: block_local, params: {block: [8]}}]\n"
      "executor: sparse\n");
  EXPECT_EQ(one.cases[0].id(), e.cases[2].id());
}

// configs/public-masks.yaml: the upstream masks as a user writes them, every case runnable.
TEST(PublicMasksConfig, ExampleConfigLoads) {
  const Experiment e =
      load_experiment(std::string(ATTNBENCH_SOURCE_DIR) + "/configs/public-masks.yaml", {});
  ASSERT_EQ(e.cases.size(), 10u);  // 5 entries x 2 executors
  for (const Case& c : e.cases) EXPECT_EQ(c.skip_reason, "") << c.id();
  EXPECT_EQ(e.cases[0].kv_len, 2048);
  EXPECT_EQ(e.cases[0].q_len, 512);
}

TEST(PublicMasksConfig, ErrorsNameTheKey) {
  const InputError sums = error_of(R"(seq_len: 5
kv_len: 10
patterns:
  - {name: document, params: {lengths: [2, 3], kv_lengths: [4, 5]}}
)");
  EXPECT_EQ(sums.key(), "patterns.0.params.kv_lengths");
  EXPECT_NE(std::string(sums.what()).find("sum to 9"), std::string::npos) << sums.what();
  const InputError offset = error_of(R"(seq_len: 64
shape: {heads: 4}
patterns:
  - {name: strided, params: {mode: fixed, stride: 8, summary: 2, summary_offset: [0, 1]}}
)");
  EXPECT_EQ(offset.key(), "patterns.0.params.summary_offset");
  const InputError empty = error_of(
      "seq_len: 64\npatterns: [{name: block_local, params: "
      "{block: []}}]\n");
  EXPECT_EQ(empty.key(), "patterns.0.params.block");
}

}  // namespace
}  // namespace attnbench::testing
