// MInference's vertical-slash pattern (Jiang et al. 2024), causal: from the attention of the last
// `last_q` queries over all keys, keep the `vertical` key columns and the `slash` diagonals
// (offsets i - j) with the largest summed probability; every query sees those columns and
// diagonals (Appendix C). Content-dependent; decided per head.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <numeric>

#include <attnbench/common_params.hpp>
#include <attnbench/content_pattern.hpp>
#include <attnbench/errors.hpp>
#include <attnbench/registry.hpp>
#include <attnbench/replay.hpp>

#include "core/decisions.hpp"

namespace attnbench {
namespace {

class VerticalSlash final : public ContentPattern, public RecordsDecisions {
 public:
  VerticalSlash(const Geometry& g, const ParamValues& p)
      : ContentPattern(g),
        vertical_(p.get_int("vertical")),
        slash_(p.get_int("slash")),
        last_q_(p.get_int("last_q")) {
    if (g.q_len != g.kv_len || g.q_offset != 0)
      throw ParamError("align", "vertical_slash runs square (prefill) lengths only");
    if (const std::string& replay = p.get_string("replay"); !replay.empty()) replay_from(replay);
  }

  bool allows(int head, Index q, Index k) const override {
    if (k > q) return false;
    const std::size_t base = static_cast<std::size_t>(head * geometry().kv_len);
    return column_[base + static_cast<std::size_t>(k)] ||
           diagonal_[base + static_cast<std::size_t>(q - k)];
  }

  void fill_row(int head, Index q, Index k_begin, Index k_end, std::uint8_t* out) const override {
    const std::uint8_t* column = column_.data() + head * geometry().kv_len;
    const std::uint8_t* diagonal = diagonal_.data() + head * geometry().kv_len;
    for (Index k = k_begin; k < k_end; ++k)
      out[k - k_begin] = k <= q && (column[k] | diagonal[q - k]);
  }

  std::vector<KeyRange> candidate_keys(int, Index, Index q_end) const override {
    return {KeyRange{0, q_end}};
  }

  void prepare(const ContentInputs& in) override {
    if (!column_.empty()) return;  // replayed
    const Index n = geometry().kv_len;
    column_.assign(static_cast<std::size_t>(geometry().heads * n), 0);
    diagonal_.assign(column_.size(), 0);
    for (Index h = 0; h < geometry().heads; ++h) select_head(in, h);
  }

  // Scoring the last queries against every key: last_q * n dot products of 2 d flops.
  std::vector<SideCost> side_costs(Index head_dim) const override {
    return {{"estimation_scores", static_cast<double>(std::min(last_q_, geometry().q_len) *
                                                      geometry().kv_len * 2 * head_dim)}};
  }

  ReplayDecisions decisions() const override {
    const Index n = geometry().kv_len;
    ReplayDecisions d{{geometry().heads, 2, n}, {}};
    for (Index h = 0; h < geometry().heads; ++h) {
      d.values.insert(d.values.end(), column_.begin() + h * n, column_.begin() + (h + 1) * n);
      d.values.insert(d.values.end(), diagonal_.begin() + h * n, diagonal_.begin() + (h + 1) * n);
    }
    return d;
  }

 private:
  void replay_from(const std::string& path) {
    const Index n = geometry().kv_len;
    const std::vector<std::int32_t> flags = read_replay(path, {geometry().heads, 2, n});
    column_.assign(static_cast<std::size_t>(geometry().heads * n), 0);
    diagonal_.assign(column_.size(), 0);
    for (std::size_t i = 0; i < flags.size(); ++i) {
      if (flags[i] != 0 && flags[i] != 1)
        throw ParamError("replay", fmt::format("flag {} is neither 0 nor 1", flags[i]));
      const std::size_t head = i / static_cast<std::size_t>(2 * n);
      const std::size_t at = i % static_cast<std::size_t>(n);
      const bool diagonal = i / static_cast<std::size_t>(n) % 2 == 1;
      (diagonal ? diagonal_ : column_)[head * static_cast<std::size_t>(n) + at] =
          static_cast<std::uint8_t>(flags[i]);
    }
  }

  void select_head(const ContentInputs& in, Index h) {
    const Index n = geometry().kv_len, d = in.head_dim;
    std::vector<double> column_score(static_cast<std::size_t>(n), 0),
        diagonal_score(static_cast<std::size_t>(n), 0);
    std::vector<double> p(static_cast<std::size_t>(n));
    for (Index q = std::max<Index>(0, n - last_q_); q < n; ++q) {
      const float* query = in.q_row(h, q);
      double peak = -INFINITY, total = 0;
      for (Index k = 0; k <= q; ++k) {
        const float* key = in.k_row(h, k);
        p[static_cast<std::size_t>(k)] =
            std::inner_product(query, query + d, key, 0.0) / std::sqrt(static_cast<double>(d));
        peak = std::max(peak, p[static_cast<std::size_t>(k)]);
      }
      for (Index k = 0; k <= q; ++k)
        total += p[static_cast<std::size_t>(k)] = std::exp(p[static_cast<std::size_t>(k)] - peak);
      for (Index k = 0; k <= q; ++k) {
        column_score[static_cast<std::size_t>(k)] += p[static_cast<std::size_t>(k)] / total;
        diagonal_score[static_cast<std::size_t>(q - k)] += p[static_cast<std::size_t>(k)] / total;
      }
    }
    keep_top(column_score, vertical_, column_.data() + h * n);
    keep_top(diagonal_score, slash_, diagonal_.data() + h * n);
  }

  static void keep_top(const std::vector<double>& score, Index count, std::uint8_t* keep) {
    std::vector<Index> index(score.size());
    std::iota(index.begin(), index.end(), 0);
    const Index take = std::min<Index>(count, static_cast<Index>(index.size()));
    std::partial_sort(index.begin(), index.begin() + take, index.end(), [&](Index a, Index b) {
      return score[static_cast<std::size_t>(a)] > score[static_cast<std::size_t>(b)] ||
             (score[static_cast<std::size_t>(a)] == score[static_cast<std::size_t>(b)] && a < b);
    });
    for (Index i = 0; i < take; ++i) keep[index[static_cast<std::size_t>(i)]] = 1;
  }

  Index vertical_, slash_, last_q_;
  std::vector<std::uint8_t> column_, diagonal_;  // heads x n
};

const bool kRegistered = register_pattern({
    .name = "vertical_slash",
    .summary = "MInference vertical-slash, causal: the top `vertical` key columns and `slash` "
               "diagonals by the last `last_q` queries' attention",
    .params = {{.name = "vertical",
                .type = ParamType::kInt,
                .default_value = Index{1000},
                .help = "key columns kept"},
               {.name = "slash",
                .type = ParamType::kInt,
                .default_value = Index{6096},
                .help = "diagonals (offsets i - j) kept"},
               {.name = "last_q",
                .type = ParamType::kInt,
                .default_value = Index{64},
                .help = "queries whose attention estimates the pattern",
                .min = 1},
               replay_param("int32 [heads, 2, n] flags (columns kept; diagonals kept) to replay "
                            "instead of estimating")},
    .make = [](const Geometry& g,
               const ParamValues& p) { return std::make_unique<VerticalSlash>(g, p); },
    .examples = {{{"vertical", Index{5}}, {"slash", Index{7}}, {"last_q", Index{8}}}},
    .square_only = true,
});

}  // namespace
}  // namespace attnbench
