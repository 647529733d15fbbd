// AltUp (Baykal et al. 2023) is not a mask: each layer runs the unchanged base attention on one
// d-wide sub-block, and predict / correct steps update the other K-1 (side costs, 2K^2 d and
// 2Kd per token). Sequence-AltUp [P, unverified] evaluates the layer on a stride-k subsample:
// only rows and keys with position mod stride == 0 (patterns.md §7). No official code exists.
#include <attnbench/common_params.hpp>
#include <attnbench/interval_pattern.hpp>
#include <attnbench/registry.hpp>

namespace attnbench {
namespace {

class AltUp final : public Pattern {
 public:
  AltUp(const Geometry& g, const ParamValues& p)
      : Pattern(g),
        k_(p.get_int("k")),
        stride_(p.get_int("stride")),
        causal_(p.get_bool("causal")) {}

  bool allows(int, Index q, Index k) const override {
    if (causal_ && k > q) return false;
    return floor_mod(q) == 0 && k % stride_ == 0;
  }

  std::vector<KeyRange> candidate_keys(int, Index q_begin, Index q_end) const override {
    if (stride_ > 1 && q_end - q_begin <= stride_ && floor_mod(q_begin) != 0 &&
        floor_div(q_begin, stride_) == floor_div(q_end - 1, stride_)) {
      return {};  // no sampled query in these rows
    }
    return {KeyRange{0, causal_ ? q_end : geometry().kv_len}};
  }

  std::optional<Index> closed_form_pairs(int) const override {
    if (!is_square(geometry())) return std::nullopt;
    const Index m = (geometry().q_len + stride_ - 1) / stride_;
    return causal_ ? m * (m + 1) / 2 : m * m;
  }

  std::vector<SideCost> side_costs(Index head_dim) const override {
    const double tokens = static_cast<double>(geometry().q_len), k = static_cast<double>(k_);
    const double d = static_cast<double>(head_dim);
    return {{"predict", 2.0 * k * k * d * tokens}, {"correct", 2.0 * k * d * tokens}};
  }

 private:
  Index floor_mod(Index q) const { return q - floor_div(q, stride_) * stride_; }

  Index k_, stride_;
  bool causal_;
};

const bool kRegistered = register_pattern({
    .name = "altup",
    .summary = "AltUp: base attention unchanged (+ predict/correct side costs); stride > 1: "
               "Sequence-AltUp, positions mod stride == 0 only [P, unverified]",
    .params = {{.name = "k",
                .type = ParamType::kInt,
                .default_value = Index{2},
                .help = "sub-blocks K [P 2, also 4]",
                .min = 1},
               {.name = "stride",
                .type = ParamType::kInt,
                .default_value = Index{1},
                .help = "Sequence-AltUp stride; 1 = plain AltUp [P, unverified]",
                .min = 1},
               causal_param(false, "keys j <= i (decoder self-attention)")},
    .make = [](const Geometry& g, const ParamValues& p) { return std::make_unique<AltUp>(g, p); },
    .examples = {{{"causal", true}},
                 {{"stride", Index{4}}},
                 {{"stride", Index{3}}, {"causal", true}}},
});

}  // namespace
}  // namespace attnbench
