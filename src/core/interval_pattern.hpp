// A base for patterns whose allowed keys, for each query, form one interval [begin, end) whose
// two ends never move backwards as the query advances (windows, causal, blocks). From that one
// function it derives fast row filling, candidate key ranges and exact tile classification.
#pragma once

#include <algorithm>
#include <cstring>

#include "core/pattern.hpp"

namespace attnbench {

class IntervalPattern : public Pattern {
 public:
  using Pattern::Pattern;

  // Keys [begin, end) the query at position `q` sees, before clipping to [0, kv_len). Both
  // ends must be non-decreasing in q.
  virtual KeyRange key_interval(int head, Index q) const = 0;

  bool allows(int head, Index q, Index k) const override {
    const KeyRange r = clipped(head, q);
    return k >= r.begin && k < r.end;
  }

  void fill_row(int head, Index q, Index k_begin, Index k_end, std::uint8_t* out) const override {
    const KeyRange r = clipped(head, q);
    const Index lo = std::clamp(r.begin, k_begin, k_end);
    const Index hi = std::clamp(r.end, lo, k_end);
    std::memset(out, 0, static_cast<std::size_t>(k_end - k_begin));
    std::memset(out + (lo - k_begin), 1, static_cast<std::size_t>(hi - lo));
  }

  std::vector<KeyRange> candidate_keys(int head, Index q_begin, Index q_end) const override {
    const KeyRange first = clipped(head, q_begin);
    const KeyRange last = clipped(head, q_end - 1);
    if (first.begin >= last.end) return {};
    return {KeyRange{first.begin, last.end}};
  }

  std::optional<TileKind> classify(int head, const TileRect& t) const override {
    const KeyRange first = clipped(head, t.q_begin);
    const KeyRange last = clipped(head, t.q_end - 1);
    if (last.begin <= t.k_begin && first.end >= t.k_end) return TileKind::kFull;
    if (last.end <= t.k_begin || first.begin >= t.k_end) return TileKind::kEmpty;
    return std::nullopt;  // partial or empty, decided by a scan of the rows
  }

 private:
  KeyRange clipped(int head, Index q) const {
    KeyRange r = key_interval(head, q);
    r.begin = std::max<Index>(r.begin, 0);
    r.end = std::min(r.end, geometry().kv_len);
    return r;
  }
};

// Pair counts of the closed forms hold for the square, top-left case only.
inline bool is_square(const Geometry& g) { return g.q_len == g.kv_len && g.q_offset == 0; }

}  // namespace attnbench
