// Global key columns without global rows: every query sees the listed keys (DeepSpeed's global
// blocks seen from the other rows; attention sinks; a [CLS] key), for use in compositions
// (`union` with a window). `keys` names token indices; `blocks` names DeepSpeed-style block
// indices of `block` tokens instead. With `causal`, query i sees key k only when k <= i.
#include <fmt/format.h>

#include <algorithm>

#include <attnbench/common_params.hpp>
#include <attnbench/errors.hpp>
#include <attnbench/interval_pattern.hpp>
#include <attnbench/registry.hpp>

namespace attnbench {
namespace {

class GlobalColumns final : public IntervalPattern {
 public:
  GlobalColumns(const Geometry& g, const ParamValues& p)
      : IntervalPattern(g), causal_(p.get_bool("causal")) {
    const IndexList& keys = p.get_list("keys");
    const IndexList& blocks = p.get_list("blocks");
    if (!blocks.empty() && keys != IndexList{0}) {
      throw ParamError("blocks", "give keys or blocks, not both");
    }
    const Index width = blocks.empty() ? 1 : p.get_int("block");
    for (Index first : blocks.empty() ? keys : blocks) {
      const Index begin = first * width, end = std::min(begin + width, g.kv_len);
      if (begin >= g.kv_len) {
        throw ParamError(blocks.empty() ? "keys" : "blocks",
                         fmt::format("{} {} starts at key {}, beyond the {} keys",
                                     blocks.empty() ? "key" : "block", first, begin, g.kv_len));
      }
      columns_.push_back({begin, end});
    }
    std::sort(columns_.begin(), columns_.end(),
              [](const KeyRange& a, const KeyRange& b) { return a.begin < b.begin; });
  }

  void key_intervals(int, Index q, Intervals& out) const override {
    for (const KeyRange& c : columns_) {
      if (causal_ && c.begin > q) break;
      out.add(c.begin, causal_ ? std::min(c.end, q + 1) : c.end);
    }
  }

  std::optional<Index> closed_form_pairs(int) const override {
    if (!is_square(geometry())) return std::nullopt;
    const Index n = geometry().q_len;
    Index pairs = 0;
    for (const KeyRange& c : distinct()) {
      for (Index k = c.begin; k < c.end; ++k) pairs += causal_ ? n - k : n;
    }
    return pairs;
  }

 private:
  // The columns with repeats merged, so that a key listed twice is counted once.
  std::vector<KeyRange> distinct() const {
    std::vector<KeyRange> merged;
    for (const KeyRange& c : columns_) {
      if (!merged.empty() && c.begin <= merged.back().end) {
        merged.back().end = std::max(merged.back().end, c.end);
      } else {
        merged.push_back(c);
      }
    }
    return merged;
  }

  bool causal_;
  std::vector<KeyRange> columns_;
};

const bool kRegistered = register_pattern({
    .name = "global_columns",
    .summary = "global key columns without global rows: every query sees the listed keys or "
               "blocks (DeepSpeed global blocks, sinks); for compositions",
    .params = {{.name = "keys",
                .type = ParamType::kIntList,
                .default_value = IndexList{0},
                .help = "token indices every query sees"},
               {.name = "blocks",
                .type = ParamType::kIntList,
                .default_value = IndexList{},
                .help = "block indices instead of keys (DeepSpeed's global_block_indices)"},
               {.name = "block",
                .type = ParamType::kInt,
                .default_value = Index{16},
                .help = "tokens per block, with blocks",
                .min = 1},
               causal_param(false, "query i sees key k only when k <= i")},
    .make = [](const Geometry& g,
               const ParamValues& p) { return std::make_unique<GlobalColumns>(g, p); },
    .examples = {{{"keys", IndexList{0, 5, 9}}, {"causal", true}},
                 {{"keys", IndexList{3, 3, 1}}},
                 {{"blocks", IndexList{0, 2}}, {"block", Index{4}}, {"causal", true}},
                 {{"blocks", IndexList{1}}, {"block", Index{40}}}},
});

}  // namespace
}  // namespace attnbench
