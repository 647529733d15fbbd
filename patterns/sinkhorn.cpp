// Sparse Sinkhorn Attention (Tay et al. 2020), hard-permutation form: blocks of b tokens; block
// beta attends itself and the block sigma(beta) chosen by a Sinkhorn-balanced sort of block
// summaries. Without the learned SortNet, the sort scores are the dot products of the blocks'
// mean query and mean key (lucidrains' summaries), divided by temperature and balanced by
// `iterations` Sinkhorn steps in the log domain; sigma(beta) is the row's argmax (causal: only
// earlier blocks). `replay` gives sigma instead (int32 [heads, blocks], -1 = none). With
// `sortcut` > 0 every query attends its own block and the first `sortcut` blocks of the sorted
// order instead (SortCut). No official code exists [P] (patterns.md §4).
#include <fmt/format.h>

#include <cmath>
#include <limits>
#include <numeric>

#include <attnbench/common_params.hpp>
#include <attnbench/content_pattern.hpp>
#include <attnbench/errors.hpp>
#include <attnbench/interval_pattern.hpp>
#include <attnbench/registry.hpp>
#include <attnbench/replay.hpp>

#include "core/decisions.hpp"

namespace attnbench {
namespace {

class Sinkhorn final : public ContentPattern, public RecordsDecisions {
 public:
  Sinkhorn(const Geometry& g, const ParamValues& p)
      : ContentPattern(g),
        block_(p.get_int("block")),
        causal_(p.get_bool("causal")),
        iterations_(p.get_int("iterations")),
        temperature_(p.get_float("temperature")),
        sortcut_(p.get_int("sortcut")),
        blocks_((g.kv_len + block_ - 1) / block_) {
    if (g.q_len != g.kv_len || g.q_offset != 0)
      throw ParamError("align", "Sinkhorn attention runs square lengths only");
    if (!(temperature_ > 0)) throw ParamError("temperature", "the temperature must be positive");
    if (sortcut_ > blocks_)
      throw ParamError("sortcut",
                       fmt::format("{} blocks to keep, only {} exist", sortcut_, blocks_));
    if (const std::string& replay = p.get_string("replay"); !replay.empty()) {
      sigma_ = read_replay(replay, {g.heads, blocks_});
      for (std::int32_t s : sigma_) {
        if (s < -1 || s >= blocks_)
          throw ParamError("replay", fmt::format("block {} does not exist", s));
      }
    }
  }

  bool allows(int head, Index q, Index k) const override {
    if (causal_ && k > q) return false;
    const Index own = q / block_, key_block = k / block_;
    if (key_block == own) return true;
    if (sortcut_ > 0) {
      const std::int32_t* order = sorted(head);
      return std::find(order, order + sortcut_, static_cast<std::int32_t>(key_block)) !=
             order + sortcut_;
    }
    return sigma_[static_cast<std::size_t>(head * blocks_ + own)] == key_block;
  }

  std::vector<KeyRange> candidate_keys(int head, Index q_begin, Index q_end) const override {
    std::vector<KeyRange> ranges;
    for (Index b = q_begin / block_; b <= (q_end - 1) / block_; ++b) {
      ranges.push_back({b * block_, (b + 1) * block_});
      const std::int32_t s = sigma_[static_cast<std::size_t>(head * blocks_ + b)];
      if (sortcut_ == 0 && s >= 0) ranges.push_back({s * block_, (s + 1) * block_});
    }
    if (sortcut_ > 0) {
      const std::int32_t* order = sorted(head);
      for (Index i = 0; i < sortcut_; ++i)
        ranges.push_back({order[i] * block_, (order[i] + 1) * block_});
    }
    std::sort(ranges.begin(), ranges.end(),
              [](const KeyRange& a, const KeyRange& b) { return a.begin < b.begin; });
    return ranges;
  }

  void prepare(const ContentInputs& in) override {
    if (sigma_.empty()) {
      for (Index h = 0; h < geometry().heads; ++h) sort_head(in, h);
    }
    order_from_sigma();
  }

  // Computed pairs 2bn (bidirectional) or n(b+1)/2 + b(n-b) (causal, every block >= 1 mapped
  // earlier) hold when sigma never maps a block to itself and b divides n.
  std::optional<Index> closed_form_pairs(int head) const override {
    const Index n = geometry().q_len, b = block_;
    if (n % b != 0 || sortcut_ > 0) return std::nullopt;
    for (Index beta = 0; beta < blocks_; ++beta) {
      const std::int32_t s = sigma_[static_cast<std::size_t>(head * blocks_ + beta)];
      if (s == beta || (causal_ && beta > 0 && (s < 0 || s >= beta)) || (!causal_ && s < 0))
        return std::nullopt;
    }
    return causal_ ? n * (b + 1) / 2 + b * (n - b) : 2 * b * n;
  }

  std::map<std::string, double> balance() const override {
    // How close sigma is to a permutation: the share of blocks that some block chose.
    std::vector<int> chosen(static_cast<std::size_t>(blocks_), 0);
    Index distinct = 0, total = 0;
    for (Index h = 0; h < geometry().heads; ++h) {
      std::fill(chosen.begin(), chosen.end(), 0);
      for (Index b = 0; b < blocks_; ++b) {
        const std::int32_t s = sigma_[static_cast<std::size_t>(h * blocks_ + b)];
        if (s >= 0 && chosen[static_cast<std::size_t>(s)]++ == 0) ++distinct;
        total += s >= 0;
      }
    }
    return {{"distinct_target_share",
             total ? static_cast<double>(distinct) / static_cast<double>(total) : 0.0}};
  }

  // Pooling (n d), SortNet scores (2 N_B^2 d) and Sinkhorn (2 k N_B^2), per head.
  std::vector<SideCost> side_costs(Index head_dim) const override {
    const double n = static_cast<double>(geometry().q_len), nb = static_cast<double>(blocks_),
                 d = static_cast<double>(head_dim);
    return {{"block_pooling", 2.0 * n * d},
            {"sort_scores", 2.0 * nb * nb * d},
            {"sinkhorn_balancing", 2.0 * static_cast<double>(iterations_) * nb * nb}};
  }

  ReplayDecisions decisions() const override { return {{geometry().heads, blocks_}, sigma_}; }

 private:
  const std::int32_t* sorted(int head) const { return order_.data() + head * blocks_; }

  // The paper's block summaries are sums (lucidrains takes the mean; a mean only rescales R,
  // which the temperature then reads differently).
  std::vector<double> block_sums(const ContentInputs& in, Index h, bool queries) const {
    const Index d = in.head_dim;
    std::vector<double> sums(static_cast<std::size_t>(blocks_ * d), 0.0);
    for (Index p = 0; p < geometry().kv_len; ++p) {
      const float* row = queries ? in.q_row(h, p) : in.k_row(h, p);
      for (Index c = 0; c < d; ++c) sums[static_cast<std::size_t>(p / block_ * d + c)] += row[c];
    }
    return sums;
  }

  void sort_head(const ContentInputs& in, Index h) {
    const Index nb = blocks_, d = in.head_dim;
    const std::vector<double> sq = block_sums(in, h, true), sk = block_sums(in, h, false);
    constexpr double kNone = -std::numeric_limits<double>::infinity();
    std::vector<double> r(static_cast<std::size_t>(nb * nb));
    for (Index a = 0; a < nb; ++a) {
      for (Index b = 0; b < nb; ++b) {
        double dot = 0;
        for (Index c = 0; c < d; ++c)
          dot += sq[static_cast<std::size_t>(a * d + c)] * sk[static_cast<std::size_t>(b * d + c)];
        r[static_cast<std::size_t>(a * nb + b)] =
            causal_ && b >= a ? kNone : dot / std::sqrt(static_cast<double>(d)) / temperature_;
      }
    }
    balance_log_domain(r, nb);
    for (Index a = 0; a < nb; ++a) {
      const auto row = r.begin() + a * nb;
      const auto best = std::max_element(row, row + nb);
      sigma_.push_back(*best == kNone ? -1 : static_cast<std::int32_t>(best - row));
    }
  }

  // Alternating row and column log-normalisation (Sinkhorn-Knopp in the log domain).
  void balance_log_domain(std::vector<double>& r, Index nb) const {
    auto normalise = [&](Index stride_outer, Index stride_inner) {
      for (Index i = 0; i < nb; ++i) {
        double peak = -std::numeric_limits<double>::infinity(), sum = 0;
        for (Index j = 0; j < nb; ++j)
          peak = std::max(peak, r[static_cast<std::size_t>(i * stride_outer + j * stride_inner)]);
        if (!std::isfinite(peak)) continue;
        for (Index j = 0; j < nb; ++j)
          sum += std::exp(r[static_cast<std::size_t>(i * stride_outer + j * stride_inner)] - peak);
        for (Index j = 0; j < nb; ++j)
          r[static_cast<std::size_t>(i * stride_outer + j * stride_inner)] -= peak + std::log(sum);
      }
    };
    for (Index it = 0; it < iterations_; ++it) {
      normalise(nb, 1);
      normalise(1, nb);
    }
  }

  // The sorted order: blocks by sigma's preference (the block chosen by block 0 first, ...),
  // then any block nobody chose.
  void order_from_sigma() {
    order_.clear();
    for (Index h = 0; h < geometry().heads; ++h) {
      std::vector<char> used(static_cast<std::size_t>(blocks_), 0);
      for (Index b = 0; b < blocks_; ++b) {
        const std::int32_t s = sigma_[static_cast<std::size_t>(h * blocks_ + b)];
        if (s >= 0 && !used[static_cast<std::size_t>(s)])
          order_.push_back(s), used[static_cast<std::size_t>(s)] = 1;
      }
      for (Index b = 0; b < blocks_; ++b) {
        if (!used[static_cast<std::size_t>(b)]) order_.push_back(static_cast<std::int32_t>(b));
      }
    }
  }

  Index block_;
  bool causal_;
  Index iterations_;
  double temperature_;
  Index sortcut_, blocks_;
  std::vector<std::int32_t> sigma_;  // heads x blocks, -1 = no sorted block
  std::vector<std::int32_t> order_;  // heads x blocks, the sorted block order
};

const bool kRegistered = register_pattern({
    .name = "sinkhorn",
    .summary = "Sparse Sinkhorn: own block + the block sigma(beta) from a Sinkhorn-balanced sort "
               "of block summaries (no learned SortNet) [P]; SortCut",
    .params = {{.name = "block",
                .type = ParamType::kInt,
                .default_value = Index{64},
                .help = "block b [C lucidrains bucket_size 64; LRA 50]",
                .min = 1},
               causal_param(false, "j <= i, sorted blocks strictly earlier"),
               {.name = "iterations",
                .type = ParamType::kInt,
                .default_value = Index{5},
                .help = "Sinkhorn iterations [C lucidrains 5 (LM), 7]",
                .max = 100},
               {.name = "temperature",
                .type = ParamType::kFloat,
                .default_value = 0.75,
                .help = "tau [C lucidrains 0.75]",
                .min = 0,
                .max = 1000},
               {.name = "sortcut",
                .type = ParamType::kInt,
                .default_value = Index{0},
                .help = "SortCut: keep the first n_cut sorted blocks for every query; 0 = off"},
               replay_param("int32 [heads, blocks] sigma to replay (-1 = none)")},
    .make = [](const Geometry& g,
               const ParamValues& p) { return std::make_unique<Sinkhorn>(g, p); },
    .examples = {{{"block", Index{4}}},
                 {{"block", Index{8}}, {"causal", true}},
                 {{"block", Index{5}}, {"sortcut", Index{2}}}},
    .square_only = true,
});

}  // namespace
}  // namespace attnbench
