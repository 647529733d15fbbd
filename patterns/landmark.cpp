// Landmark Attention (Mohtashami & Jaggi 2023): a landmark token after every `block_tokens`
// regular tokens, so blocks of B = l + 1 and an executed length n' = n + floor(n / l).
// train: dense causal, except that a landmark never attends itself (its own block's landmark).
// infer: causal keys of the query's chunk of `chunk` positions, plus all B keys of the top_k
// complete earlier blocks whose landmark key scores highest against the query, chosen per
// (head, query) from the data, or replayed from `replay` (int32 [heads, n', top_k], -1 = none).
// Retrieved blocks are not repositioned here (llama_mem.py moves them next to the chunk).
// The choice itself is BlockRetrieval's (core/block_retrieval.hpp), which decoding shares.
// Decoding (`pass: decode`) keeps every key: any later query may retrieve any complete block.
// patterns.md §2.
#include <fmt/format.h>

#include <algorithm>

#include <attnbench/common_params.hpp>
#include <attnbench/content_pattern.hpp>
#include <attnbench/errors.hpp>
#include <attnbench/interval_pattern.hpp>
#include <attnbench/registry.hpp>
#include <attnbench/replay.hpp>

#include "core/block_retrieval.hpp"
#include "core/decisions.hpp"

namespace attnbench {
namespace {

class Landmark final : public ContentPattern, public RecordsDecisions, public RetrievesBlocks {
 public:
  Landmark(const Geometry& g, const ParamValues& p)
      : ContentPattern(g),
        block_(p.get_int("block_tokens") + 1),
        infer_(p.get_choice("mode") == "infer"),
        top_k_(p.get_int("top_k")),
        chunk_(p.get_int("chunk")) {
    if (g.q_len != g.kv_len || g.q_offset != 0)
      throw ParamError("align", "Landmark runs square (prefill) lengths only");
    if (infer_ && (chunk_ < block_ || chunk_ % block_ != 0)) {
      throw ParamError("chunk", fmt::format("the chunk ({} positions) must be a multiple of "
                                            "block_tokens + 1 = {} (a block and its landmark): "
                                            "change chunk or block_tokens",
                                            chunk_, block_));
    }
    const std::string& replay = p.get_string("replay");
    if (!infer_ && !replay.empty()) {
      throw ParamError("replay", "has no effect in mode train (the mask is static); leave it out");
    }
    if (infer_ && !replay.empty()) {
      selected_ = read_replay(replay, {g.heads, g.q_len, top_k_});
      replayed_ = true;
      check_replay();
    }
  }

  bool allows(int head, Index q, Index k) const override {
    if (k > q) return false;
    if (!infer_) return !(is_landmark(k) && k / block_ == q / block_);
    if (k >= retrieval().local_begin(q)) return true;
    const std::int32_t* chosen = choice(head, q);
    return std::find(chosen, chosen + top_k_, static_cast<std::int32_t>(k / block_)) !=
           chosen + top_k_;
  }

  std::vector<KeyRange> candidate_keys(int head, Index q_begin, Index q_end) const override {
    if (!infer_) return {KeyRange{0, q_end}};
    std::vector<KeyRange> ranges;
    for (Index q = q_begin; q < q_end; ++q) {
      const std::int32_t* chosen = choice(head, q);
      for (Index i = 0; i < top_k_; ++i) {
        if (chosen[i] >= 0) ranges.push_back({chosen[i] * block_, (chosen[i] + 1) * block_});
      }
    }
    ranges.push_back({retrieval().local_begin(q_begin), q_end});
    std::sort(ranges.begin(), ranges.end(),
              [](const KeyRange& a, const KeyRange& b) { return a.begin < b.begin; });
    return ranges;
  }

  void prepare(const ContentInputs& in) override {
    if (!infer_ || !selected_.empty()) return;
    for (Index h = 0; h < geometry().heads; ++h) {
      for (Index q = 0; q < geometry().q_len; ++q) {
        decide_row(static_cast<int>(h), q, in.q_row(h, q), in.k_row(h, 0), in.head_dim);
      }
    }
  }

  std::optional<BlockRetrieval> block_retrieval() const override {
    if (!infer_ || replayed_) return std::nullopt;
    return retrieval();
  }

  void decide_row(int head, Index q, const float* query, const float* keys, Index d) override {
    if (selected_.empty()) {
      selected_.assign(static_cast<std::size_t>(geometry().heads * geometry().q_len * top_k_), -1);
    }
    retrieval().choose(query, keys, d, q,
                       selected_.data() + (head * geometry().q_len + q) * top_k_);
  }

  std::optional<std::vector<KeyRange>> decode_keep(int, Index, Index, Index length) const override {
    return std::vector<KeyRange>{{0, length}};
  }

  bool varies_by_head() const override { return infer_; }

  // Nothing is decided in mode train (an empty array: no file is written).
  ReplayDecisions decisions() const override {
    if (!infer_) return {};
    return {{geometry().heads, geometry().q_len, top_k_}, selected_};
  }

  std::optional<Index> closed_form_pairs(int) const override {
    const Index n = geometry().q_len;
    if (infer_ || n % block_ != 0) return std::nullopt;
    return n * (n + 1) / 2 - n / block_;
  }

  // Scoring every earlier landmark: about n'^2 / (2B) dot products of 2 d flops.
  std::vector<SideCost> side_costs(Index head_dim) const override {
    if (!infer_) return {};
    const double n = static_cast<double>(geometry().q_len);
    return {{"landmark_scoring",
             n * n / (2.0 * static_cast<double>(block_)) * 2.0 * static_cast<double>(head_dim)}};
  }

 private:
  bool is_landmark(Index p) const { return p % block_ == block_ - 1; }
  const std::int32_t* choice(int head, Index q) const {
    return selected_.data() + (head * geometry().q_len + q) * top_k_;
  }

  BlockRetrieval retrieval() const { return {block_, top_k_, chunk_}; }

  void check_replay() const {
    for (Index h = 0; h < geometry().heads; ++h) {
      for (Index q = 0; q < geometry().q_len; ++q) {
        const std::int32_t* chosen = choice(static_cast<int>(h), q);
        for (Index i = 0; i < top_k_; ++i) {
          if (chosen[i] >= 0 && chosen[i] >= retrieval().candidates(q)) {
            throw ParamError(
                "replay",
                fmt::format("head {} query {} retrieves block {}, which is not a complete block "
                            "before its chunk",
                            h, q, chosen[i]));
          }
        }
      }
    }
  }

  Index block_;
  bool infer_;
  Index top_k_, chunk_;
  bool replayed_ = false;
  std::vector<std::int32_t> selected_;  // heads x n' x top_k block ids, -1 = none
};

const bool kRegistered = register_pattern({
    .name = "landmark",
    .summary = "Landmark Attention: + a landmark per block_tokens (n' = n + n/l); train: causal "
               "minus own landmark; infer: chunk + top_k blocks by landmark score",
    .params = {{.name = "block_tokens",
                .type = ParamType::kInt,
                .default_value = Index{50},
                .help = "regular tokens per block l [C mem_freq 50; llama/train.py 63]",
                .min = 1},
               {.name = "mode",
                .type = ParamType::kChoice,
                .default_value = std::string("train"),
                .help = "train (static) or infer (content-dependent)",
                .choices = {"train", "infer"}},
               {.name = "top_k",
                .type = ParamType::kInt,
                .default_value = Index{5},
                .help = "retrieved blocks per query [C PG19 2-4, LLaMA 5]",
                .min = 1,
                .max = 64},
               {.name = "chunk",
                .type = ParamType::kInt,
                .default_value = Index{204},
                .help = "positions per chunk, a multiple of l+1 [C 512-2-6*51 = 204]",
                .min = 1},
               replay_param("int32 [heads, n', top_k] block ids to replay instead of scoring")},
    .make = [](const Geometry& g,
               const ParamValues& p) { return std::make_unique<Landmark>(g, p); },
    .lengths =
        [](Index n, Index, const ParamValues& p) {
          const Index total = n + n / p.get_int("block_tokens");
          return std::pair{total, total};
        },
    .examples = {{{"block_tokens", Index{3}}},
                 {{"block_tokens", Index{3}},
                  {"mode", std::string("infer")},
                  {"top_k", Index{2}},
                  {"chunk", Index{8}}},
                 {{"block_tokens", Index{7}},
                  {"mode", std::string("infer")},
                  {"top_k", Index{3}},
                  {"chunk", Index{16}}}},
});

}  // namespace
}  // namespace attnbench
