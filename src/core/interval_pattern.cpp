#include <attnbench/interval_pattern.hpp>

#include <algorithm>
#include <cstring>

namespace attnbench {

// Clipped in place: the layout builder calls this for every query row, so it makes one
// Intervals, not two.
Intervals IntervalPattern::clipped(int head, Index q) const {
  Intervals out;
  key_intervals(head, q, out);
  for (KeyRange& r : out) {
    r.begin = std::max<Index>(r.begin, 0);
    r.end = std::min(r.end, geometry().kv_len);
  }
  return out;
}

bool IntervalPattern::allows(int head, Index q, Index k) const {
  for (const KeyRange& r : clipped(head, q)) {
    if (k >= r.begin && k < r.end) return true;
  }
  return false;
}

void IntervalPattern::fill_row(int head, Index q, Index k_begin, Index k_end,
                               std::uint8_t* out) const {
  std::memset(out, 0, static_cast<std::size_t>(k_end - k_begin));
  for (const KeyRange& r : clipped(head, q)) {
    const Index lo = std::clamp(r.begin, k_begin, k_end);
    const Index hi = std::clamp(r.end, lo, k_end);
    std::memset(out + (lo - k_begin), 1, static_cast<std::size_t>(hi - lo));
  }
}

void add_excluding_self(const Intervals& keys, Index q, Index kv_len, Intervals& out) {
  bool other = false;
  for (const KeyRange& r : keys) {
    const Index begin = std::max<Index>(r.begin, 0), end = std::min(r.end, kv_len);
    const Index self = begin <= q && q < end ? 1 : 0;
    other = other || end - begin > self;
  }
  for (const KeyRange& r : keys) {
    if (!other || q < r.begin || q >= r.end) {
      out.add(r.begin, r.end);
      continue;
    }
    out.add(r.begin, q);
    out.add(q + 1, r.end);
  }
}

namespace {

// Whether the union of `ranges` covers [begin, end).
bool covers(Intervals sorted, Index begin, Index end) {
  std::sort(sorted.begin(), sorted.end(),
            [](const KeyRange& a, const KeyRange& b) { return a.begin < b.begin; });
  Index reached = begin;
  for (const KeyRange& r : sorted) {
    if (reached >= end) break;
    if (r.end <= r.begin) continue;
    if (r.begin > reached) return false;
    reached = std::max(reached, r.end);
  }
  return reached >= end;
}

bool touches(const Intervals& ranges, Index begin, Index end) {
  return std::any_of(ranges.begin(), ranges.end(), [&](const KeyRange& r) {
    return r.begin < r.end && r.begin < end && r.end > begin;
  });
}

}  // namespace

std::vector<KeyRange> IntervalPattern::candidate_keys(int head, Index q_begin, Index q_end) const {
  if (monotone()) {
    const Intervals first = clipped(head, q_begin), last = clipped(head, q_end - 1);
    const Index begin = first.size() ? first.begin()->begin : geometry().kv_len;
    const Index end = last.size() ? last.begin()->end : 0;
    if (begin >= end) return {};
    return {KeyRange{begin, end}};
  }
  std::vector<KeyRange> all;
  for (Index q = q_begin; q < q_end; ++q) {
    for (const KeyRange& r : clipped(head, q)) all.push_back(r);
  }
  return merge_ranges(std::move(all));
}

std::optional<TileKind> IntervalPattern::classify(int head, const TileRect& t) const {
  if (monotone()) {
    const Intervals first = clipped(head, t.q_begin), last = clipped(head, t.q_end - 1);
    if (first.size() && last.size() && last.begin()->begin <= t.k_begin &&
        first.begin()->end >= t.k_end) {
      return TileKind::kFull;
    }
    const Index lo = first.size() ? first.begin()->begin : geometry().kv_len;
    const Index hi = last.size() ? last.begin()->end : 0;
    if (hi <= t.k_begin || lo >= t.k_end) return TileKind::kEmpty;
    return std::nullopt;  // partial or empty, decided by a scan of the rows
  }
  bool all_full = true, all_empty = true;
  for (Index q = t.q_begin; q < t.q_end && (all_full || all_empty); ++q) {
    const Intervals row = clipped(head, q);
    all_full = all_full && covers(row, t.k_begin, t.k_end);
    all_empty = all_empty && !touches(row, t.k_begin, t.k_end);
  }
  if (all_full) return TileKind::kFull;
  if (all_empty) return TileKind::kEmpty;
  return TileKind::kPartial;
}

}  // namespace attnbench
