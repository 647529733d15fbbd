// Bi-BloSAN (Shen et al. 2018), one direction: blocks of r tokens; a token attends the earlier
// tokens of its block (strictly; fw) or the later ones (bw); then each block's summary token
// pools its block (source2token) and attends the earlier (fw) or later (bw) summaries. The
// executed mask is square over n tokens + m = ceil(n/r) summaries (patterns.md §6). Its scores
// are d-wide additive ones, not dot products: FLOPs here count 4 d_h per pair for comparison.
#include <cmath>

#include <attnbench/errors.hpp>
#include <attnbench/interval_pattern.hpp>
#include <attnbench/registry.hpp>

namespace attnbench {
namespace {

Index block_size(Index n, const ParamValues& p) {
  const Index given = p.get_int("block");
  if (given > 0) return given;
  Index r = static_cast<Index>(std::ceil(std::cbrt(2.0 * static_cast<double>(n)) - 1e-9));
  while (r * r * r < 2 * n) ++r;
  while (r > 1 && (r - 1) * (r - 1) * (r - 1) >= 2 * n) --r;
  return r;
}

// The token count n with n + ceil(n / r(n)) == total, the smallest if several fit, or -1. Not
// monotonic in n (it drops where r steps up), so it is solved for each r the lengths allow: n is
// then within one of floor(total * r / (r + 1)).
Index tokens_for(Index total, const ParamValues& p) {
  Index best = -1;
  for (Index r = block_size(std::max<Index>(1, total / 2), p); r <= block_size(total, p); ++r) {
    const Index guess = total * r / (r + 1);
    for (Index n = std::max<Index>(1, guess - 2); n <= std::min(total, guess + 2); ++n) {
      if (block_size(n, p) == r && n + (n + r - 1) / r == total && (best < 0 || n < best)) best = n;
    }
  }
  return best;
}

class BiBlosan final : public IntervalPattern {
 public:
  BiBlosan(const Geometry& g, const ParamValues& p, Index tokens)
      : IntervalPattern(g),
        tokens_(tokens),
        block_(block_size(tokens, p)),
        forward_(p.get_choice("direction") == "fw") {
    if (g.q_offset != 0)
      throw ParamError("align", "Bi-BloSAN's mask is square: align must be top_left");
    summaries_ = (tokens_ + block_ - 1) / block_;
  }

  void key_intervals(int, Index q, Intervals& out) const override {
    const Index n = tokens_;
    if (q < n) {
      const Index start = q / block_ * block_;
      if (forward_)
        out.add(start, q);
      else
        out.add(q + 1, std::min(n, start + block_));
      return;
    }
    const Index b = q - n;
    out.add(b * block_, std::min(n, (b + 1) * block_));  // source2token: its own block
    if (forward_)
      out.add(n, q);
    else
      out.add(q + 1, n + summaries_);
  }

  std::optional<Index> closed_form_pairs(int) const override {
    const Index n = tokens_, r = block_, m = summaries_;
    if (n % r != 0) return std::nullopt;
    return n * (r - 1) / 2 + m * (m - 1) / 2 + n;
  }

 private:
  Index tokens_, block_;
  bool forward_;
  Index summaries_ = 0;
};

const bool kRegistered = register_pattern({
    .name = "bi_blosan",
    .summary = "Bi-BloSAN, one direction: strict intra-block triangle + block summaries (n + "
               "ceil(n/r) rows and keys)",
    .params = {{.name = "block",
                .type = ParamType::kInt,
                .default_value = Index{0},
                .help = "block length r; 0 = ceil((2n)^(1/3)) [C]"},
               {.name = "direction",
                .type = ParamType::kChoice,
                .default_value = std::string("fw"),
                .help = "fw (earlier keys) or bw (later keys); the model runs both",
                .choices = {"fw", "bw"}}},
    .make = [](const Geometry& g, const ParamValues& p) -> std::unique_ptr<Pattern> {
      const Index tokens = tokens_for(g.q_len, p);
      if (tokens < 1 || g.kv_len != g.q_len) {
        throw ParamError("block", "these lengths are not tokens + block summaries");
      }
      return std::make_unique<BiBlosan>(g, p, tokens);
    },
    .lengths =
        [](Index n, Index, const ParamValues& p) {
          const Index r = block_size(n, p), total = n + (n + r - 1) / r;
          return std::pair{total, total};
        },
    .examples = {{{"direction", std::string("bw")}}, {{"block", Index{5}}}},
});

}  // namespace
}  // namespace attnbench
