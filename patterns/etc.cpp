// ETC (Ainslie et al. 2020): global tokens and long tokens, concatenated as [global; long] into
// one square mask of n_g + n_l. g2g full; g2l hard (a global sees its segment) or full; l2g full
// or hard (a long token sees its own global); l2l |i-j| <= radius (patterns.md §14). seq_len is
// the number of long tokens; global tokens are one per `segment` long tokens unless
// `global_count` says otherwise (the released models use one per sentence).
#include <fmt/format.h>

#include <attnbench/errors.hpp>
#include <attnbench/interval_pattern.hpp>
#include <attnbench/registry.hpp>

namespace attnbench {
namespace {

Index global_count(Index long_tokens, const ParamValues& p) {
  const Index given = p.get_int("global_count"), segment = p.get_int("segment");
  return given > 0 ? given : (long_tokens + segment - 1) / segment;
}

class Etc final : public IntervalPattern {
 public:
  Etc(const Geometry& g, const ParamValues& p)
      : IntervalPattern(g),
        radius_(p.get_int("radius")),
        segment_(p.get_int("segment")),
        hard_g2l_(p.get_bool("hard_g2l")),
        hard_l2g_(p.get_bool("hard_l2g")) {
    if (g.q_offset != 0 || g.q_len != g.kv_len)
      throw ParamError("align", "ETC's mask is square: align must be top_left");
    globals_ = p.get_int("global_count");
    if (globals_ == 0) globals_ = solve_globals(g.q_len);
    long_ = g.q_len - globals_;
    if (long_ < 1) throw ParamError("global_count", "no long tokens left");
    if (hard_l2g_ && globals_ * segment_ < long_) {
      throw ParamError("global_count",
                       fmt::format("hard_l2g gives long token l the global l / segment: {} "
                                   "globals of {} tokens cover {} of the {} long tokens",
                                   globals_, segment_, globals_ * segment_, long_));
    }
  }

  void key_intervals(int, Index q, Intervals& out) const override {
    const Index g = globals_;
    if (q < g) {  // a global token
      out.add(0, g);
      // More globals than segments: the extra ones have no segment of their own.
      const Index end = g + long_;
      if (!hard_g2l_) out.add(g, end);
      if (hard_g2l_ && g + q * segment_ < end)
        out.add(g + q * segment_, std::min(end, g + (q + 1) * segment_));
      return;
    }
    const Index l = q - g;
    if (hard_l2g_) {
      out.add(l / segment_, l / segment_ + 1);
    } else {
      out.add(0, g);
    }
    out.add(g + l - radius_, g + std::min(long_, l + radius_ + 1));
  }

  // The default released configuration (hard g2l, full l2g) with every segment complete.
  std::optional<Index> closed_form_pairs(int) const override {
    const Index nl = long_, ng = globals_, r = radius_;
    if (!hard_g2l_ || hard_l2g_ || ng * segment_ != nl || nl <= 2 * r) return std::nullopt;
    return nl * (2 * r + 1) - r * (r + 1) + nl * ng + ng * ng + nl;
  }

 private:
  // The executed length is n_l + n_g; recover n_g for the default one-per-segment layout.
  Index solve_globals(Index total) const {
    // g - ceil((total - g) / segment) increases with g: bisect for its zero.
    Index lo = 0, hi = total;
    while (lo < hi) {
      const Index mid = lo + (hi - lo) / 2;
      if (mid < (total - mid + segment_ - 1) / segment_)
        lo = mid + 1;
      else
        hi = mid;
    }
    if (lo != (total - lo + segment_ - 1) / segment_)
      throw ParamError("segment", "no global count fits this length");
    return lo;
  }

  Index radius_, segment_;
  bool hard_g2l_, hard_l2g_;
  Index globals_ = 0, long_ = 0;
};

const bool kRegistered = register_pattern({
    .name = "etc",
    .summary = "ETC: [global; long] square mask; g2g full, g2l hard or full, l2g full or hard, "
               "l2l |i-j| <= radius; seq_len = long tokens",
    .params = {{.name = "radius",
                .type = ParamType::kInt,
                .default_value = Index{84},
                .help = "long-to-long local radius [C local_radius 84]"},
               {.name = "global_count",
                .type = ParamType::kInt,
                .default_value = Index{0},
                .help = "global tokens; 0 = one per segment [C NQ 230, HotpotQA 256, WikiHop 430]"},
               {.name = "segment",
                .type = ParamType::kInt,
                .default_value = Index{16},
                .help = "long tokens per global token (a sentence in the paper) [P]",
                .min = 1},
               {.name = "hard_g2l",
                .type = ParamType::kBool,
                .default_value = true,
                .help = "a global sees only its segment [C released checkpoints]"},
               {.name = "hard_l2g",
                .type = ParamType::kBool,
                .default_value = false,
                .help = "a long token sees only its own global [C default false]"}},
    .make = [](const Geometry& g, const ParamValues& p) { return std::make_unique<Etc>(g, p); },
    .lengths =
        [](Index n, Index, const ParamValues& p) {
          const Index total = n + global_count(n, p);
          return std::pair{total, total};
        },
    .examples =
        {{{"radius", Index{2}}, {"segment", Index{4}}},
         {{"radius", Index{3}}, {"segment", Index{5}}, {"hard_g2l", false}, {"hard_l2g", true}},
         {{"radius", Index{2}}, {"global_count", Index{3}}, {"segment", Index{4}}}},
});

}  // namespace
}  // namespace attnbench
