// Chunked local attention (trax SelfAttention with chunk_len c, one chunk back, the companion
// of Reformer's LSH layers): the query's chunk and the previous one (patterns.md §15).
#include <fmt/format.h>

#include <attnbench/common_params.hpp>
#include <attnbench/errors.hpp>
#include <attnbench/interval_pattern.hpp>
#include <attnbench/registry.hpp>

namespace attnbench {
namespace {

class ChunkedLocal final : public IntervalPattern {
 public:
  ChunkedLocal(const Geometry& g, const ParamValues& p)
      : IntervalPattern(g),
        chunk_(p.get_int("chunk")),
        causal_(p.get_bool("causal")),
        exclude_self_(p.get_bool("exclude_self")) {
    if (chunk_ > g.kv_len) {
      throw ParamError(
          "chunk", fmt::format("a chunk of {} is longer than the sequence ({})", chunk_, g.kv_len));
    }
  }

  void key_intervals(int, Index q, Intervals& out) const override {
    const Index own = floor_div(q, chunk_) * chunk_;
    if (!exclude_self_) return out.add(own - chunk_, causal_ ? q + 1 : own + chunk_);
    Intervals chunks;
    chunks.add(own - chunk_, causal_ ? q + 1 : own + chunk_);
    add_excluding_self(chunks, q, geometry().kv_len, out);
  }
  bool monotone() const override { return !exclude_self_; }

  std::optional<Index> closed_form_pairs(int) const override {
    const Index n = geometry().q_len, c = chunk_;
    if (!is_square(geometry()) || n % c != 0) return std::nullopt;
    const Index pairs =
        causal_ ? (n / c) * c * (c + 1) / 2 + (n / c - 1) * c * c : (2 * (n / c) - 1) * c * c;
    if (!exclude_self_) return pairs;
    // Only query 0 can be alone: causal it sees just itself; otherwise when chunks are single keys.
    const Index alone = causal_ || c == 1 ? 1 : 0;
    return pairs - n + alone;
  }

 private:
  Index chunk_;
  bool causal_, exclude_self_;
};

const bool kRegistered = register_pattern({
    .name = "chunked_local",
    .summary = "chunked local (trax): own chunk + the previous one, floor(j/c) >= floor(i/c)-1",
    .params = {{.name = "chunk",
                .type = ParamType::kInt,
                .default_value = Index{128},
                .help = "chunk length c [C enwik8 non-LSH layers 128]",
                .min = 1},
               causal_param(true),
               exclude_self_param()},
    .make = [](const Geometry& g,
               const ParamValues& p) { return std::make_unique<ChunkedLocal>(g, p); },
    .examples = {{{"chunk", Index{4}}},
                 {{"chunk", Index{7}}, {"causal", false}},
                 {{"chunk", Index{4}}, {"exclude_self", true}},
                 {{"chunk", Index{1}}, {"causal", false}, {"exclude_self", true}}},
});

}  // namespace
}  // namespace attnbench
