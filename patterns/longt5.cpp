// LongT5 (Guo et al. 2022): local attention |i-j| <= radius, or local + transient global keys:
// one summary key per block of `block_tokens` tokens, appended after the sequence, seen by every
// query (causal: only strictly earlier blocks; orphans past the last block see all). With
// tglobal the executed key length is seq_len + floor(seq_len / block_tokens) (patterns.md §13).
#include <fmt/format.h>

#include <attnbench/common_params.hpp>
#include <attnbench/errors.hpp>
#include <attnbench/interval_pattern.hpp>
#include <attnbench/registry.hpp>

namespace attnbench {
namespace {

bool is_tglobal(const ParamValues& p) { return p.get_choice("mode") == "tglobal"; }

class LongT5 final : public IntervalPattern {
 public:
  LongT5(const Geometry& g, const ParamValues& p)
      : IntervalPattern(g),
        radius_(p.get_int("radius")),
        block_(p.get_int("block_tokens")),
        causal_(p.get_bool("causal")),
        globals_(is_tglobal(p) ? g.q_len / block_ : 0) {
    if (g.q_offset != 0) throw ParamError("align", "LongT5 is an encoder: align must be top_left");
    if (g.kv_len != g.q_len + globals_) {
      throw ParamError("mode", fmt::format("expected {} keys (tokens + globals), got {}",
                                           g.q_len + globals_, g.kv_len));
    }
  }

  void key_intervals(int, Index q, Intervals& out) const override {
    const Index n = geometry().q_len;
    out.add(q - radius_, std::min(n, causal_ ? q + 1 : q + radius_ + 1));
    out.add(n, n + (causal_ ? std::min(q / block_, globals_) : globals_));
  }

  std::optional<Index> closed_form_pairs(int) const override {
    const Index n = geometry().q_len, r = radius_;
    if (causal_ && globals_ > 0) return std::nullopt;
    if (n <= 2 * r) return std::nullopt;
    const Index local = causal_ ? n * (r + 1) - r * (r + 1) / 2 : n * (2 * r + 1) - r * (r + 1);
    return local + n * globals_;
  }

  std::vector<SideCost> side_costs(Index head_dim) const override {
    if (globals_ == 0) return {};
    // Aggregating tokens into globals (n * d adds) and projecting them to K and V (2*2*g*d*d).
    const double n = static_cast<double>(geometry().q_len), g = static_cast<double>(globals_);
    const double d = static_cast<double>(head_dim);
    return {{"global_aggregation", n * d}, {"global_kv_projection", 4.0 * g * d * d}};
  }

 private:
  Index radius_, block_;
  bool causal_;
  Index globals_;
};

const bool kRegistered = register_pattern({
    .name = "longt5",
    .summary = "LongT5: local |i-j| <= radius, or + transient globals (one per block_tokens, "
               "appended: kv_len = n + n/block_tokens)",
    .params = {{.name = "radius",
                .type = ParamType::kInt,
                .default_value = Index{127},
                .help = "local radius [C LOCAL_RADIUS 127]"},
               {.name = "block_tokens",
                .type = ParamType::kInt,
                .default_value = Index{16},
                .help = "tokens per transient global [C TOKENS_PER_BLOCK 16]",
                .min = 1},
               {.name = "mode",
                .type = ParamType::kChoice,
                .default_value = std::string("tglobal"),
                .help = "local, or tglobal (local + transient globals)",
                .choices = {"local", "tglobal"}},
               causal_param(false, "causal local window, globals of strictly earlier blocks")},
    .make = [](const Geometry& g, const ParamValues& p) { return std::make_unique<LongT5>(g, p); },
    .lengths =
        [](Index n, Index, const ParamValues& p) {
          return std::pair{n, n + (is_tglobal(p) ? n / p.get_int("block_tokens") : 0)};
        },
    .examples = {{{"radius", Index{2}}, {"block_tokens", Index{4}}},
                 {{"radius", Index{2}}, {"block_tokens", Index{4}}, {"causal", true}},
                 {{"radius", Index{5}}, {"mode", std::string("local")}}},
});

}  // namespace
}  // namespace attnbench
