// Longformer (Beltagy et al. 2020): sliding window of `radius` keys per side, per-head dilation
// (the TVM kernel's convention: keys i + d*t), and symmetric global tokens: a global query sees
// every key and every query sees the global keys (patterns.md §9).
#include <fmt/format.h>

#include <algorithm>

#include <attnbench/common_params.hpp>
#include <attnbench/errors.hpp>
#include <attnbench/interval_pattern.hpp>
#include <attnbench/registry.hpp>

namespace attnbench {
namespace {

class Longformer final : public Pattern {
 public:
  Longformer(const Geometry& g, const ParamValues& p)
      : Pattern(g), radius_(p.get_int("radius")), causal_(p.get_bool("causal")) {
    const IndexList& d = p.get_list("dilation");
    if (d.size() != 1 && d.size() != static_cast<std::size_t>(g.heads)) {
      throw ParamError("dilation", fmt::format("give one dilation or one per head ({}), not {}",
                                               g.heads, d.size()));
    }
    for (int h = 0; h < g.heads; ++h)
      dilation_.push_back(d.size() == 1 ? d[0] : d[static_cast<std::size_t>(h)]);
    global_ = p.get_list("global_tokens");
    std::sort(global_.begin(), global_.end());
    global_.erase(std::unique(global_.begin(), global_.end()), global_.end());
    for (Index t : global_) {
      if (t >= g.kv_len)
        throw ParamError("global_tokens",
                         fmt::format("token {} is past the sequence ({})", t, g.kv_len));
    }
  }

  bool allows(int head, Index q, Index k) const override {
    if (causal_ && k > q) return false;
    if (is_global(q) || is_global(k)) return true;
    const Index d = dilation_[static_cast<std::size_t>(head)], distance = q - k;
    return distance % d == 0 && std::abs(distance) <= d * radius_ && (!causal_ || distance >= 0);
  }

  std::vector<KeyRange> candidate_keys(int head, Index q_begin, Index q_end) const override {
    const bool global_row = std::any_of(global_.begin(), global_.end(),
                                        [&](Index t) { return t >= q_begin && t < q_end; });
    if (global_row) return {KeyRange{0, geometry().kv_len}};
    const Index span = dilation_[static_cast<std::size_t>(head)] * radius_;
    std::vector<KeyRange> ranges;
    for (Index t : global_) {
      if (t < q_begin - span) ranges.push_back({t, t + 1});
    }
    ranges.push_back({q_begin - span, q_end + span});
    for (Index t : global_) {
      if (t >= q_end + span) ranges.push_back({t, t + 1});
    }
    return ranges;
  }

  bool varies_by_head() const override {
    return std::adjacent_find(dilation_.begin(), dilation_.end(), std::not_equal_to<>()) !=
           dilation_.end();
  }

  std::optional<Index> closed_form_pairs(int head) const override {
    const Index n = geometry().q_len, w = radius_, d = dilation_[static_cast<std::size_t>(head)];
    if (!is_square(geometry()) || d * w >= n) return std::nullopt;
    const Index g = static_cast<Index>(global_.size());
    const bool prefix = g == 0 || global_.back() == g - 1;
    if (g == 0)
      return causal_ ? n * (w + 1) - d * w * (w + 1) / 2 : n * (2 * w + 1) - d * w * (w + 1);
    if (!prefix || causal_ || d != 1 || n - g <= w) return std::nullopt;
    return g * n + g * (n - g) + (n - g) * (2 * w + 1) - w * (w + 1);
  }

 private:
  bool is_global(Index t) const { return std::binary_search(global_.begin(), global_.end(), t); }

  Index radius_;
  bool causal_;
  IndexList dilation_;
  IndexList global_;
};

const bool kRegistered = register_pattern({
    .name = "longformer",
    .summary = "Longformer: |i-j| <= dilation*radius with (i-j) mod dilation == 0, per-head "
               "dilation, symmetric global tokens",
    .params = {{.name = "radius",
                .type = ParamType::kInt,
                .default_value = Index{256},
                .help = "keys per side, one-sided w [C: attention_window 512 two-sided]"},
               {.name = "dilation",
                .type = ParamType::kIntList,
                .default_value = IndexList{1},
                .help = "one dilation, or one per head [C TVM kernel]",
                .min = 1},
               {.name = "global_tokens",
                .type = ParamType::kIntList,
                .default_value = IndexList{0},
                .help = "positions attending and attended everywhere ([CLS] = [0]) [P]"},
               causal_param(false, "keys j <= i only (the TVM autoregressive kernel)")},
    .make = [](const Geometry& g,
               const ParamValues& p) { return std::make_unique<Longformer>(g, p); },
    .examples = {{{"radius", Index{2}}},
                 {{"radius", Index{2}}, {"dilation", IndexList{2}}, {"global_tokens", IndexList{}}},
                 {{"radius", Index{2}},
                  {"dilation", IndexList{2}},
                  {"global_tokens", IndexList{}},
                  {"causal", true}},
                 {{"radius", Index{3}},
                  {"dilation", IndexList{1, 2, 3, 1}},
                  {"global_tokens", IndexList{0, 1, 40}}},
                 {{"radius", Index{5}}, {"global_tokens", IndexList{0, 1, 2}}}},
});

}  // namespace
}  // namespace attnbench
