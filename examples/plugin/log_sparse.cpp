// An out-of-tree pattern plugin: LogSparse attention (Li et al. 2019, "Enhancing the Locality
// and Breaking the Memory Bottleneck of Transformer on Time Series Forecasting"). Query i sees
// itself, the `local` keys before it, and keys i - 2^j further back: O(log n) keys per query.
//
// Built against an installed attnbench (see CMakeLists.txt next to it); then
//   attnbench --plugin log_sparse.so patterns
//   attnbench conformance --plugin log_sparse.so
// Built with LOG_SPARSE_BROKEN it claims tiles are full one key too far from the diagonal: the
// conformance checks catch that (and the wrong attention it makes the executors compute).
#include <algorithm>
#include <bit>
#include <memory>

#include <attnbench/plugin.hpp>

namespace {

using attnbench::Index;
using attnbench::KeyRange;
using attnbench::TileKind;
using attnbench::TileRect;

#ifdef LOG_SPARSE_BROKEN
constexpr Index kFullBandSlack = 1;  // the deliberate bug
constexpr const char* kName = "log_sparse_broken";
#else
constexpr Index kFullBandSlack = 0;
constexpr const char* kName = "log_sparse";
#endif

bool power_of_two(Index x) { return x > 0 && std::has_single_bit(static_cast<std::uint64_t>(x)); }

// floor(log2 x) + 1, and 0 for 0: the number of powers of two <= x.
Index bit_width(Index x) {
  return static_cast<Index>(std::bit_width(static_cast<std::uint64_t>(x)));
}

class LogSparse final : public attnbench::Pattern {
 public:
  LogSparse(const attnbench::Geometry& g, const attnbench::ParamValues& p)
      : Pattern(g), local_(p.get_int("local")) {}

  // The definition; everything below is a shortcut that conformance checks against it.
  bool allows(int, Index q, Index k) const override {
    const Index distance = q - k;
    return distance >= 0 && (distance <= local_ || power_of_two(distance));
  }

  // The local band and one band per power of two: O(log n) ranges, so a layout over a long
  // sequence visits only the tiles that hold allowed pairs.
  std::vector<KeyRange> candidate_keys(int, Index q_begin, Index q_end) const override {
    std::vector<KeyRange> ranges{{std::max<Index>(0, q_begin - local_), q_end}};
    for (Index step = 1; step < q_end; step *= 2) {
      if (step > local_) ranges.push_back({std::max<Index>(0, q_begin - step), q_end - step});
    }
    return attnbench::merge_ranges(std::move(ranges));
  }

  std::optional<TileKind> classify(int, const TileRect& t) const override {
    if (t.k_begin > t.q_end - 1) return TileKind::kEmpty;  // wholly after every query
    const bool in_band =
        t.k_end - 1 <= t.q_begin && t.q_end - 1 - t.k_begin <= local_ + kFullBandSlack;
    if (in_band) return TileKind::kFull;
    return std::nullopt;  // let attnbench scan it
  }

  // Per query i: min(i, local) + 1 keys of the band, plus the powers of two in (local, i].
  std::optional<Index> closed_form_pairs(int) const override {
    if (!attnbench::is_square(geometry())) return std::nullopt;
    Index pairs = 0;
    for (Index i = 0; i < geometry().q_len; ++i) {
      pairs += std::min(i, local_) + 1 + std::max<Index>(0, bit_width(i) - bit_width(local_));
    }
    return pairs;
  }

 private:
  Index local_;
};

}  // namespace

ATTNBENCH_PLUGIN {
  attnbench::register_pattern({
      .name = kName,
      .summary = "LogSparse (Li et al. 2019), causal: keys i-local..i and i - 2^j",
      .params = {{.name = "local",
                  .type = attnbench::ParamType::kInt,
                  .default_value = Index{0},
                  .help = "keys before the query seen densely, before the log steps",
                  .min = 0}},
      .make = [](const attnbench::Geometry& g,
                 const attnbench::ParamValues& p) { return std::make_unique<LogSparse>(g, p); },
      .examples = {{{"local", Index{16}}}, {{"local", Index{3}}}},
  });
}
