// Chunked local attention (trax SelfAttention with chunk_len c, one chunk back, the companion
// of Reformer's LSH layers): the query's chunk and the previous one (patterns.md §15).
#include <fmt/format.h>

#include "core/common_params.hpp"
#include "core/errors.hpp"
#include "core/interval_pattern.hpp"
#include "core/registry.hpp"

namespace attnbench {
namespace {

class ChunkedLocal final : public IntervalPattern {
 public:
  ChunkedLocal(const Geometry& g, const ParamValues& p)
      : IntervalPattern(g), chunk_(p.get_int("chunk")), causal_(p.get_bool("causal")) {
    if (chunk_ > g.kv_len) {
      throw ParamError(
          "chunk", fmt::format("a chunk of {} is longer than the sequence ({})", chunk_, g.kv_len));
    }
  }

  void key_intervals(int, Index q, Intervals& out) const override {
    const Index own = floor_div(q, chunk_) * chunk_;
    out.add(own - chunk_, causal_ ? q + 1 : own + chunk_);
  }
  bool monotone() const override { return true; }

  std::optional<Index> closed_form_pairs(int) const override {
    const Index n = geometry().q_len, c = chunk_;
    if (!is_square(geometry()) || n % c != 0) return std::nullopt;
    if (causal_) return (n / c) * c * (c + 1) / 2 + (n / c - 1) * c * c;
    return (2 * (n / c) - 1) * c * c;
  }

 private:
  Index chunk_;
  bool causal_;
};

const bool kRegistered = register_pattern({
    .name = "chunked_local",
    .summary = "chunked local (trax): own chunk + the previous one, floor(j/c) >= floor(i/c)-1",
    .params = {{.name = "chunk",
                .type = ParamType::kInt,
                .default_value = Index{128},
                .help = "chunk length c [C enwik8 non-LSH layers 128]",
                .min = 1},
               causal_param(true)},
    .make = [](const Geometry& g,
               const ParamValues& p) { return std::make_unique<ChunkedLocal>(g, p); },
    .examples = {{{"chunk", Index{4}}}, {{"chunk", Index{7}}, {"causal", false}}},
});

}  // namespace
}  // namespace attnbench
