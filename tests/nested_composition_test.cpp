// Nested compositions: a part of `of:` may itself be a union, intersection or per_head, down to
// 8 levels. Each nested mask is checked against an independent reference built here from the
// leaf plugins alone (each made on its own through the registry and asked at its own position of
// every row; the parts combined by set algebra in this file, per_head handing each part its own
// heads), never through the composition's code or its layout; then the layout, the executors and
// every conformance check run on it.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <numeric>

#include "config/experiment.hpp"
#include "conformance/checks.hpp"
#include "core/case_selection.hpp"
#include "core/composite.hpp"
#include "core/content_pattern.hpp"
#include "core/index.hpp"
#include "core/layout.hpp"
#include "core/prepare_mask.hpp"
#include "exec/reference.hpp"
#include "pattern_cases.hpp"
#include "runner/case_runner.hpp"

namespace attnbench::testing {
namespace {

// [head][row * kv_len + key]: 1 where the key is allowed.
using HeadMasks = std::vector<std::vector<std::uint8_t>>;

// The leaf plugin on its own, asked at its own position of each row (row + its q_offset).
HeadMasks leaf_masks(const PatternSpec& spec, Index q_len, Index kv_len, int heads) {
  const PatternInfo* info = find_pattern(spec.name);
  EXPECT_NE(info, nullptr) << spec.name;
  const auto pattern =
      prepared(info->make(make_geometry(q_len, kv_len, heads, spec.params), spec.params));
  const Index offset = pattern->geometry().q_offset;
  HeadMasks masks(static_cast<std::size_t>(heads),
                  std::vector<std::uint8_t>(static_cast<std::size_t>(q_len * kv_len)));
  for (int h = 0; h < heads; ++h) {
    std::vector<std::uint8_t>& mask = masks[to_size(h)];
    for (Index r = 0; r < q_len; ++r) {
      for (Index k = 0; k < kv_len; ++k)
        mask[to_size(r * kv_len + k)] = pattern->allows(h, r + offset, k);
    }
  }
  return masks;
}

// The spec's mask by set algebra over its leaves' masks.
HeadMasks spec_masks(const PatternSpec& spec, Index q_len, Index kv_len, int heads) {
  if (spec.parts.empty()) return leaf_masks(spec, q_len, kv_len, heads);
  if (spec.name == "per_head") {
    HeadMasks masks;
    for (std::size_t i = 0; i < spec.parts.size(); ++i) {
      const HeadMasks part =
          spec_masks(spec.parts[i], q_len, kv_len, static_cast<int>(spec.head_counts[i]));
      masks.insert(masks.end(), part.begin(), part.end());
    }
    EXPECT_EQ(masks.size(), static_cast<std::size_t>(heads));
    return masks;
  }
  const bool any = spec.name == "union";
  HeadMasks masks = spec_masks(spec.parts.front(), q_len, kv_len, heads);
  for (std::size_t i = 1; i < spec.parts.size(); ++i) {
    const HeadMasks part = spec_masks(spec.parts[i], q_len, kv_len, heads);
    for (std::size_t h = 0; h < masks.size(); ++h) {
      for (std::size_t e = 0; e < masks[h].size(); ++e)
        masks[h][e] = any ? (masks[h][e] | part[h][e]) : (masks[h][e] & part[h][e]);
    }
  }
  return masks;
}

Case only_case(const std::string& entry, const std::string& lengths = "seq_len: 97\n",
               const std::vector<Override>& overrides = {}) {
  const Experiment e = load_experiment_text(lengths + "shape: {heads: 4}\npatterns:\n" + entry,
                                            "nested.yaml", overrides);
  EXPECT_EQ(e.cases.size(), 1u);
  return e.cases.front();
}

Index allowed(const std::vector<std::uint8_t>& mask) {
  return std::accumulate(mask.begin(), mask.end(), Index{0});
}

// The layout `run` builds, the reference the check compares with and every conformance check,
// against the independent mask; returns the allowed pairs of each head.
std::vector<Index> expect_matches_independent_mask(const Case& c) {
  const HeadMasks expected = spec_masks(c.pattern, c.q_len, c.kv_len, c.heads());
  MaskRequest request = mask_request(c);
  request.block_q = request.block_kv = 16;
  const Problem problem{1, c.heads(), c.heads(), c.q_len, c.kv_len, 16, 1};
  const Tensors in = random_inputs(problem, 5);
  const PreparedMask mask = prepare_mask(request, [&] { return content_inputs(problem, in); });
  std::vector<std::uint8_t> row(static_cast<std::size_t>(c.kv_len));
  std::vector<Index> pairs;
  for (int h = 0; h < c.heads(); ++h) {
    const std::vector<std::uint8_t>& expected_head = expected[to_size(h)];
    EXPECT_EQ(expand_layout(mask.layout, h), expected_head) << c.id() << " head " << h;
    for (Index r = 0; r < c.q_len; ++r) {
      reference_mask_row(*mask.pattern, h, r, row.data());
      const std::vector<std::uint8_t> want(expected_head.begin() + r * c.kv_len,
                                           expected_head.begin() + (r + 1) * c.kv_len);
      EXPECT_EQ(row, want) << c.id() << " head " << h << " row " << r;
    }
    pairs.push_back(allowed(expected_head));
  }
  std::vector<conformance::PatternInstance> instances;
  instances.push_back({c.id(), prepared(instantiate(c.pattern, c.q_len, c.kv_len, c.heads()))});
  for (const conformance::Check& check : conformance::all_checks()) {
    const conformance::CheckResult result = conformance::run_check(check, instances);
    EXPECT_FALSE(result.failure.has_value()) << check.name << ": " << *result.failure;
  }
  return pairs;
}

// Depth 2: a per_head inside a union. Heads 0-1: a causal window of 3 or the sinks and the
// diagonal; heads 2-3: causal attention (which holds the sinks and the diagonal).
TEST(NestedComposition, PerHeadInsideUnion) {
  const Case c = only_case(R"(  - name: union
    of:
      - name: per_head
        of:
          - {name: sliding_window, params: {radius: 3, causal: true}, heads: 2}
          - {name: dense, params: {causal: true}, heads: 2}
      - {name: streaming_llm, params: {sinks: 2, window: 1}}
)");
  EXPECT_EQ(c.pattern.text(),
            "union(per_head(2xsliding_window:radius=3,causal=true,left=-1,right=-1,align=top_left|"
            "2xdense:causal=true,align=top_left)|streaming_llm:sinks=2,window=1,align=top_left)");
  EXPECT_EQ(c.label,
            "union(per_head(2x sliding_window radius=3 causal=true | 2x dense causal=true) | "
            "streaming_llm sinks=2 window=1)");
  const auto p = instantiate(c.pattern, 97, 97, 4);
  EXPECT_EQ(keys_of(*p, 0, 50), (std::vector<Index>{0, 1, 47, 48, 49, 50}));
  EXPECT_EQ(keys_of(*p, 3, 5), (std::vector<Index>{0, 1, 2, 3, 4, 5}));
  const std::vector<Index> pairs = expect_matches_independent_mask(c);
  // Heads 0-1: 4 keys a row (fewer in rows 0-2) plus sinks 0 and 1 where the window misses them.
  const Index window = 97 * 4 - (3 + 2 + 1);
  const Index sinks_outside = (97 - 4) + (97 - 5);  // key 0 from row 4 on, key 1 from row 5 on
  EXPECT_EQ(pairs[0], window + sinks_outside);
  EXPECT_EQ(pairs[2], 97 * 98 / 2);
}

// Depth 2, the other way round: each group of heads gets a composition of its own.
TEST(NestedComposition, CompositionsInsidePerHead) {
  const Case c = only_case(R"(  - name: per_head
    of:
      - name: union
        heads: 1
        of:
          - {name: sliding_window, params: {radius: 2}}
          - {name: global_rows, params: {queries: [10]}}
      - name: intersection
        heads: 3
        of:
          - {name: sliding_window, params: {radius: 10}}
          - {name: dense, params: {causal: true}}
)");
  const auto p = instantiate(c.pattern, 97, 97, 4);
  EXPECT_EQ(keys_of(*p, 0, 10).size(), 97u);  // a global row
  EXPECT_EQ(keys_of(*p, 0, 30), (std::vector<Index>{28, 29, 30, 31, 32}));
  EXPECT_EQ(keys_of(*p, 2, 12), (std::vector<Index>{2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}));
  EXPECT_TRUE(p->varies_by_head());
  expect_matches_independent_mask(c);
}

// Depth 3: intersection(union(per_head(...), sinks), causal) over a rectangle whose parts keep
// their own alignment.
TEST(NestedComposition, ThreeLevelsAtTheirOwnAlignments) {
  const std::string entry = R"(  - name: intersection
    of:
      - name: union
        of:
          - name: per_head
            of:
              - {name: sliding_window, params: {radius: 8, align: bottom_right}, heads: 3}
              - {name: chunked_local, params: {chunk: 16}, heads: 1}
          - {name: streaming_llm, params: {sinks: 3, window: 1, align: bottom_right}}
      - {name: dense, params: {causal: true, align: bottom_right}}
)";
  const Case rect = only_case(entry, "seq_len: 50\nkv_len: 130\n");
  EXPECT_EQ(rect.q_len, 50);
  EXPECT_EQ(rect.kv_len, 130);
  const std::vector<Index> pairs = expect_matches_independent_mask(rect);
  // Head 0: query r sits at position r + 80 with a causal window of 8 behind it (9 keys), plus
  // the 3 sinks, which the window never reaches.
  EXPECT_EQ(pairs[0], 50 * (9 + 3));
  const Case square = only_case(entry);
  expect_matches_independent_mask(square);
}

std::string nested_unions(int depth) {
  std::string spec = "{name: dense, params: {causal: true}}";
  for (int level = 0; level < depth; ++level) {
    spec =
        fmt::format("{{name: union, of: [{}, {{name: sliding_window, params: {{radius: {}}}}}]}}",
                    spec, level + 1);
  }
  return "  - " + spec + "\n";
}

// Eight levels load and match their reference; a ninth is refused at the entry that nests it.
TEST(NestedComposition, EightLevelsAndNoMore) {
  const Case deep = only_case(nested_unions(8), "seq_len: 40\n");
  const std::string id = deep.id();
  EXPECT_EQ(std::count(id.begin(), id.end(), '('), 8);
  const std::vector<Index> pairs = expect_matches_independent_mask(deep);
  // A causal mask, or a window of 8 keys a side: causal plus the band above the diagonal.
  EXPECT_EQ(pairs[0], 40 * 41 / 2 + (40 * 8 - 8 * 9 / 2));
  try {
    only_case(nested_unions(9), "seq_len: 40\n");
    FAIL() << "nine levels were accepted";
  } catch (const InputError& e) {
    EXPECT_EQ(e.key(), "patterns.0.of.0.of.0.of.0.of.0.of.0.of.0.of.0.of.0");
    EXPECT_NE(std::string(e.what()).find("nested 9 levels deep"), std::string::npos) << e.what();
    EXPECT_EQ(e.where().line, 4) << e.what();
  }
}

TEST(NestedComposition, MistakesInsideAreLocated) {
  const auto key_of = [](const std::string& entry) {
    try {
      only_case(entry);
    } catch (const InputError& e) {
      return e.key() + ": " + e.what();
    }
    return std::string("accepted");
  };
  // A nested per_head whose heads miss the shape's.
  EXPECT_NE(key_of("  - {name: union, of: [{name: per_head, of: [{name: dense, heads: 3}]}, "
                   "{name: dense}]}\n")
                .find("add up to 3"),
            std::string::npos);
  EXPECT_EQ(key_of("  - {name: union, of: [{name: intersection, of: [{name: dense}]}, "
                   "{name: dense}]}\n")
                .rfind("patterns.0.of.0.of:", 0),
            0u);
  EXPECT_EQ(key_of("  - {name: union, of: [{name: union, params: {radius: 2}, of: [{name: dense}, "
                   "{name: dense}]}, {name: dense}]}\n")
                .rfind("patterns.0.of.0.params:", 0),
            0u);
  EXPECT_EQ(key_of("  - {name: union, of: [{name: dense, of: [{name: dense}]}, {name: dense}]}\n")
                .rfind("patterns.0.of.0.of:", 0),
            0u);
  EXPECT_EQ(
      key_of("  - {name: union, of: [{name: union, of: [{name: dense}, {name: slidng_window}]}, "
             "{name: dense}]}\n")
          .rfind("patterns.0.of.0.of.1.name:", 0),
      0u);
  // pass decode puts queries at the bottom right: an explicit top_left deep inside is refused.
  const std::string decode = "seq_len: 1\nkv_len: 64\npass: decode\n";
  try {
    only_case(
        "  - {name: union, of: [{name: union, of: [{name: dense}, {name: sliding_window, "
        "params: {radius: 4, align: top_left}}]}, {name: dense}]}\n",
        decode);
    FAIL() << "top_left accepted in a decode case";
  } catch (const InputError& e) {
    EXPECT_EQ(e.key(), "patterns.0.of.0.of.1.params.align") << e.what();
  }
  // Parts that leave align out decode (bottom right); one without params used to be refused.
  const Case decoding = only_case(
      "  - {name: union, of: [{name: union, of: [{name: dense, params: {causal: true}}, {name: "
      "sliding_window, params: {radius: 4}}]}, {name: dense}]}\n",
      decode);
  EXPECT_NE(decoding.id().find("|dense:causal=false,align=bottom_right)"), std::string::npos)
      << decoding.id();
}

// --set reaches any part, however deep; the id, the label and --case follow.
TEST(NestedComposition, SetAndCaseReachNestedParts) {
  const std::string entry = R"(  - name: union
    label: nest
    of:
      - name: intersection
        of:
          - {name: sliding_window, params: {radius: 4}}
          - {name: dense, params: {causal: true}}
      - {name: streaming_llm, params: {sinks: 1, window: 1}}
)";
  const Case plain = only_case(entry);
  const Case set = only_case(
      entry, "seq_len: 97\n",
      {{"patterns.nest.of.0.of.0.params.radius", "6"}, {"patterns.0.of.1.params.sinks", "2"}});
  EXPECT_NE(set.id(), plain.id());
  EXPECT_NE(set.pattern.text().find("sliding_window:radius=6"), std::string::npos);
  EXPECT_NE(set.pattern.text().find("streaming_llm:sinks=2"), std::string::npos);
  EXPECT_EQ(keys_of(*instantiate(set.pattern, 97, 97, 4), 0, 40),
            (std::vector<Index>{0, 1, 34, 35, 36, 37, 38, 39, 40}));
  const CaseSelection selection(SelectionArgs{{set.id()}, std::nullopt});
  EXPECT_TRUE(selection.selects(set.key, set.label));
  EXPECT_FALSE(selection.selects(plain.key, plain.label));
  EXPECT_EQ(parse_case_id(set.id()), set.key);
  // The record's parameters nest the same way.
  const CaseRecord r = describe_case(set);
  EXPECT_EQ(r.params["of"][0]["name"], "intersection");
  EXPECT_EQ(r.params["of"][0]["params"]["of"][0]["params"]["radius"], 6);
}

// A content-dependent part of a per_head decides from its own heads' Q and K (it used to read
// heads 0, 1, ... of the inputs whatever heads it covered): heads 1-3 of the composition are
// heads 1-3 of the pattern alone, on grouped-query inputs (2 query heads a key-value head), as
// a view (heads 2-3, whole groups) and as a copy (heads 1-3 start inside a group).
TEST(NestedComposition, PerHeadPartsDecideFromTheirOwnHeads) {
  const Problem problem{1, 4, 2, 96, 96, 16, 1};
  const Tensors in = random_inputs(problem, 9);
  const ContentInputs inputs = content_inputs(problem, in);
  const PatternInfo& info = *find_pattern("vertical_slash");
  const ParamValues params =
      resolve_params(info, {{"vertical", Index{5}}, {"slash", Index{7}}, {"last_q", Index{8}}});
  auto alone = info.make(make_geometry(96, 96, 4, params), params);
  dynamic_cast<ContentPattern&>(*alone).prepare(inputs);
  PatternSpec leaf{"vertical_slash", params, {}};
  PatternSpec dense{"dense", resolve_params(*find_pattern("dense"), {}), {}};
  for (const Index first : {Index{1}, Index{2}}) {
    const PatternSpec spec{
        .name = "per_head", .parts = {dense, leaf}, .head_counts = {first, 4 - first}};
    auto composite = instantiate(spec, 96, 96, 4);
    dynamic_cast<ContentPattern&>(*composite).prepare(inputs);
    for (int h = static_cast<int>(first); h < 4; ++h) {
      for (Index r = 0; r < 96; r += 5)
        EXPECT_EQ(keys_of(*composite, h, r), keys_of(*alone, h, r)) << first << " head " << h;
    }
  }
}

// The same nested composition twice is one case: refused as a duplicate, like any other.
TEST(NestedComposition, IdsStayUnique) {
  const std::string part =
      "  - {name: union, of: [{name: per_head, of: [{name: dense, heads: 4}]}, {name: dense}]}\n";
  EXPECT_THROW(load_experiment_text("seq_len: 64\nshape: {heads: 4}\npatterns:\n" + part + part,
                                    "twice.yaml", {}),
               InputError);
  const Experiment e = load_experiment_text(
      "seq_len: 64\nshape: {heads: 4}\npatterns:\n" + part +
          "  - {name: union, of: [{name: dense}, {name: per_head, of: [{name: dense, heads: "
          "4}]}]}\n",
      "order.yaml", {});
  ASSERT_EQ(e.cases.size(), 2u);
  EXPECT_NE(e.cases[0].id(), e.cases[1].id());
  EXPECT_NE(e.cases[0].label, e.cases[1].label);
}

}  // namespace
}  // namespace attnbench::testing
