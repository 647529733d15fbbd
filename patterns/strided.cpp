// Sparse Transformer (Child et al. 2019): `strided` sees the last `stride` keys and every
// stride-th key before them, (i-j) < l or (i-j) mod l == 0 (causal); `fixed` sees its own window
// of l and the `summary` keys of every window (Appendix C), with DeepSpeed's FixedSparsityConfig
// options: bidirectional (causal: false), a summary offset per head (different_layout_per_head)
// and horizontal summary rows. docs/patterns.md#strided.
#include <fmt/format.h>

#include <algorithm>

#include <attnbench/common_params.hpp>
#include <attnbench/errors.hpp>
#include <attnbench/interval_pattern.hpp>
#include <attnbench/registry.hpp>

namespace attnbench {
namespace {

// The summary positions of `fixed` mode for one head: in every full window of l positions the
// c positions [l - c(1+o), l - c·o) from its start; the short last window, if any, keeps its c
// summary positions where DeepSpeed's set_global_layout puts them: at the same offset from its
// start, moved back so that they end at the sequence end at the latest.
class SummaryPositions {
 public:
  SummaryPositions(Index window, Index summary, Index offset, Index length)
      : window_(window), summary_(summary), offset_(offset), full_end_(length / window * window) {
    if (full_end_ < length) {
      last_begin_ = std::max<Index>(0, std::min(full_end_ + first(), length - summary));
      last_end_ = last_begin_ + summary;
    }
  }

  bool contains(Index position) const {
    if (position >= last_begin_ && position < last_end_) return true;
    if (position < 0 || position >= full_end_) return false;
    const Index in_window = position % window_;
    return in_window >= first() && in_window < window_ - summary_ * offset_;
  }

 private:
  Index first() const { return window_ - summary_ * (1 + offset_); }

  Index window_, summary_, offset_, full_end_;
  Index last_begin_ = 0, last_end_ = 0;  // the short last window's summary, if there is one
};

class Strided final : public Pattern {
 public:
  Strided(const Geometry& g, const ParamValues& p)
      : Pattern(g),
        fixed_(p.get_choice("mode") == "fixed"),
        causal_(p.get_bool("causal")),
        horizontal_(p.get_bool("horizontal")),
        stride_(p.get_int("stride")),
        summary_(p.get_int("summary")) {
    const IndexList offsets = p.get_int_or_list("summary_offset");
    if (!fixed_) check_strided_options(offsets);
    if (offsets.size() != 1 && offsets.size() != static_cast<std::size_t>(g.heads)) {
      throw ParamError("summary_offset",
                       fmt::format("give one summary offset or one per head ({}), not {}", g.heads,
                                   offsets.size()));
    }
    // The windows run over every position a query or a key occupies, so that queries past the
    // keys (top_left, q_len > kv_len) do not move the last window's summary.
    const Index length = std::max(g.kv_len, g.q_len + g.q_offset);
    for (int h = 0; h < g.heads; ++h) {
      offsets_.push_back(offsets.size() == 1 ? offsets[0] : offsets[static_cast<std::size_t>(h)]);
      check_offset(h, offsets_.back());
      summaries_.emplace_back(stride_, summary_, offsets_.back(), length);
    }
  }

  bool allows(int head, Index q, Index k) const override {
    if (causal_ && k > q) return false;
    if (!fixed_) return q - k < stride_ || (q - k) % stride_ == 0;
    const SummaryPositions& summary = summaries_[static_cast<std::size_t>(head)];
    return floor_div(k, stride_) == floor_div(q, stride_) || summary.contains(k) ||
           (horizontal_ && summary.contains(q));
  }

  std::vector<KeyRange> candidate_keys(int, Index, Index q_end) const override {
    return {KeyRange{0, causal_ ? q_end : geometry().kv_len}};
  }

  bool varies_by_head() const override {
    return std::adjacent_find(offsets_.begin(), offsets_.end(), std::not_equal_to<>()) !=
           offsets_.end();
  }

  // Fixed mode, square, whole windows (W = n/l of them), summary inside each window.
  std::optional<Index> closed_form_pairs(int) const override {
    const Index n = geometry().q_len, l = stride_, c = summary_;
    if (!fixed_ || !is_square(geometry()) || n % l != 0 || c > l) return std::nullopt;
    const Index w = n / l;
    if (causal_) {
      // Own window's triangle, the c summary keys of each earlier window; a horizontal summary
      // row of window v also sees the other l - c keys of each earlier window.
      const Index pairs = w * l * (l + 1) / 2 + l * c * w * (w - 1) / 2;
      return pairs + (horizontal_ ? c * (l - c) * w * (w - 1) / 2 : 0);
    }
    const Index row = l + c * (w - 1);  // own window, the other windows' summaries
    return n * row + (horizontal_ ? c * w * (n - row) : 0);
  }

 private:
  void check_strided_options(const IndexList& offsets) const {
    const char* fixed_only = !causal_                                 ? "causal"
                             : horizontal_                            ? "horizontal"
                             : offsets.size() != 1 || offsets[0] != 0 ? "summary_offset"
                                                                      : nullptr;
    if (fixed_only) {
      throw ParamError(fixed_only, fmt::format("{} belongs to mode fixed; mode strided is causal "
                                               "with no summary positions",
                                               fixed_only));
    }
  }

  void check_offset(int head, Index offset) const {
    if (summary_ * (1 + offset) > stride_ && offset > 0) {
      throw ParamError("summary_offset",
                       fmt::format("head {}: summary offset {} puts its {} summary positions "
                                   "before the window's start (summary x (1 + offset) = {} > "
                                   "stride {})",
                                   head, offset, summary_, summary_ * (1 + offset), stride_));
    }
  }

  bool fixed_, causal_, horizontal_;
  Index stride_, summary_;
  IndexList offsets_;
  std::vector<SummaryPositions> summaries_;
};

// Added after case ids were published, so left out of ids at its default (true).
ParamSpec fixed_causal_param() {
  ParamSpec spec = causal_param(true, "fixed mode: false = DeepSpeed's bidirectional");
  spec.in_id_at_default = false;
  return spec;
}

const bool kRegistered = register_pattern({
    .name = "strided",
    .summary = "Sparse Transformer: strided ((i-j) < l or (i-j) mod l == 0, causal) or fixed "
               "(own window + `summary` positions of every window; DeepSpeed Fixed: causal, "
               "summary_offset per head, horizontal)",
    .params = {{.name = "mode",
                .type = ParamType::kChoice,
                .default_value = std::string("strided"),
                .help = "strided or fixed",
                .choices = {"strided", "fixed"}},
               {.name = "stride",
                .type = ParamType::kInt,
                .default_value = Index{128},
                .help = "stride / window length l",
                .min = 1},
               {.name = "summary",
                .type = ParamType::kInt,
                .default_value = Index{8},
                .help = "fixed mode: summary positions c per window"},
               // Added after case ids were published: left out of ids at their defaults.
               fixed_causal_param(),
               {.name = "summary_offset",
                .type = ParamType::kIntOrList,
                .default_value = Index{0},
                .help = "fixed mode: summary positions [l-c(1+o), l-c*o) of each window; one o, "
                        "or one per head [C DeepSpeed Fixed]",
                .in_id_at_default = false},
               {.name = "horizontal",
                .type = ParamType::kBool,
                .default_value = false,
                .help = "fixed mode: summary rows see every key (j <= i when causal) [C DeepSpeed "
                        "horizontal_global_attention]",
                .in_id_at_default = false}},
    .make = [](const Geometry& g, const ParamValues& p) { return std::make_unique<Strided>(g, p); },
    .examples = {{{"stride", Index{4}}},
                 {{"mode", std::string("fixed")}, {"stride", Index{8}}, {"summary", Index{2}}},
                 {{"mode", std::string("fixed")},
                  {"stride", Index{8}},
                  {"summary", Index{2}},
                  {"causal", false}},
                 {{"mode", std::string("fixed")},
                  {"stride", Index{8}},
                  {"summary", Index{2}},
                  {"summary_offset", IndexList{0, 1, 2, 3}}},
                 {{"mode", std::string("fixed")},
                  {"stride", Index{8}},
                  {"summary", Index{2}},
                  {"summary_offset", IndexList{3, 2, 1, 0}},
                  {"causal", false},
                  {"horizontal", true}},
                 {{"mode", std::string("fixed")},
                  {"stride", Index{6}},
                  {"summary", Index{2}},
                  {"summary_offset", Index{1}},
                  {"horizontal", true}}},
});

}  // namespace
}  // namespace attnbench
