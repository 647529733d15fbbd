#include "core/interval_rows.hpp"

#include <algorithm>
#include <cstring>

namespace attnbench {

namespace {

bool by_begin(const KeyRange& a, const KeyRange& b) { return a.begin < b.begin; }

Index ceil_div(Index a, Index b) { return (a + b - 1) / b; }

// Sorts ranges[first..] and merges overlapping and touching ones in place.
void merge_from(std::vector<KeyRange>& ranges, std::size_t first) {
  const auto from = ranges.begin() + static_cast<std::ptrdiff_t>(first);
  std::sort(from, ranges.end(), by_begin);
  std::size_t kept = first;
  for (std::size_t i = first; i < ranges.size(); ++i) {
    if (kept > first && ranges[i].begin <= ranges[kept - 1].end) {
      ranges[kept - 1].end = std::max(ranges[kept - 1].end, ranges[i].end);
    } else {
      ranges[kept++] = ranges[i];
    }
  }
  ranges.resize(kept);
}

}  // namespace

void IntervalRows::load(const IntervalPattern& pattern, int head, Index q_begin, Index q_end) {
  ranges_.clear();
  row_start_.assign(1, 0);
  ordered_ = true;
  const Index kv_len = pattern.geometry().kv_len;
  for (Index q = q_begin; q < q_end; ++q) {
    keys_.clear();
    pattern.key_intervals(head, q, keys_);
    add_row(kv_len);
  }
  cursor_.assign(row_start_.begin(), row_start_.end() - 1);
  if (ordered_) {
    first_end_ = ranges_.front().end;
    last_begin_ = ranges_.back().begin;
  }
}

void IntervalRows::add_row(Index kv_len) {
  const std::size_t first = ranges_.size();
  for (const KeyRange& r : keys_) {
    const Index begin = std::max<Index>(r.begin, 0), end = std::min(r.end, kv_len);
    if (begin < end) ranges_.push_back({begin, end});
  }
  if (ranges_.size() - first > 1) merge_from(ranges_, first);
  if (ranges_.size() - first != 1) {
    ordered_ = false;
  } else if (ordered_ &&
             first > 0) {  // every earlier row is one interval: the last is ranges_[first - 1]
    const KeyRange& before = ranges_[first - 1];
    ordered_ = ranges_[first].begin >= before.begin && ranges_[first].end >= before.end;
  }
  row_start_.push_back(ranges_.size());
}

const std::vector<TileSpan>& IntervalRows::touched_tiles(Index block_kv) {
  spans_.clear();
  if (ordered_) {  // ranges_ sorted by begin: merge as they come, dividing only at a new span
    for (const KeyRange& r : ranges_) {
      if (!spans_.empty() && r.begin < (spans_.back().end + 1) * block_kv) {
        if (r.end > spans_.back().end * block_kv) spans_.back().end = ceil_div(r.end, block_kv);
        continue;
      }
      spans_.push_back({r.begin / block_kv, ceil_div(r.end, block_kv)});
    }
    return spans_;
  }
  for (const KeyRange& r : ranges_)
    spans_.push_back({r.begin / block_kv, ceil_div(r.end, block_kv)});
  std::sort(spans_.begin(), spans_.end(),
            [](const TileSpan& a, const TileSpan& b) { return a.begin < b.begin; });
  std::size_t kept = 0;
  for (const TileSpan& span : spans_) {
    if (kept > 0 && span.begin <= spans_[kept - 1].end) {
      spans_[kept - 1].end = std::max(spans_[kept - 1].end, span.end);
    } else {
      spans_[kept++] = span;
    }
  }
  spans_.resize(kept);
  return spans_;
}

Index IntervalRows::describe(Index k_begin, Index k_end, std::vector<std::int32_t>& signature) {
  if (ordered_) return describe_ordered(k_begin, k_end, signature);
  signature.clear();
  Index allowed = 0;
  for (std::size_t row = 0; row + 1 < row_start_.size(); ++row) {
    std::size_t i = cursor_[row];
    const std::size_t end = row_start_[row + 1];
    while (i < end && ranges_[i].end <= k_begin)
      ++i;  // behind this tile, so behind every later one
    cursor_[row] = i;
    for (; i < end && ranges_[i].begin < k_end; ++i) {
      const Index lo = std::max(ranges_[i].begin, k_begin), hi = std::min(ranges_[i].end, k_end);
      allowed += hi - lo;
      signature.push_back(static_cast<std::int32_t>(lo - k_begin));
      signature.push_back(static_cast<std::int32_t>(hi - k_begin));
    }
    signature.push_back(-1);  // the end of a row
  }
  return allowed;
}

// One interval a row (ranges_[row]): at most three numbers a row, written without push_back.
Index IntervalRows::describe_ordered(Index k_begin, Index k_end,
                                     std::vector<std::int32_t>& signature) const {
  signature.resize(3 * ranges_.size());
  std::int32_t* out = signature.data();
  Index allowed = 0;
  for (const KeyRange& r : ranges_) {
    const Index lo = std::max(r.begin, k_begin), hi = std::min(r.end, k_end);
    if (lo < hi) {
      *out++ = static_cast<std::int32_t>(lo - k_begin);
      *out++ = static_cast<std::int32_t>(hi - k_begin);
      allowed += hi - lo;
    }
    *out++ = -1;
  }
  signature.resize(static_cast<std::size_t>(out - signature.data()));
  return allowed;
}

bool IntervalRows::shifted_from(const IntervalRows& other, Index shift) const {
  if (!ordered_ || !other.ordered_ || ranges_.size() != other.ranges_.size()) return false;
  for (std::size_t i = 0; i < ranges_.size(); ++i) {
    if (ranges_[i].begin != other.ranges_[i].begin + shift ||
        ranges_[i].end != other.ranges_[i].end + shift) {
      return false;
    }
  }
  return true;
}

void fill_from_signature(const std::int32_t* signature, std::size_t length, Index block_kv,
                         std::uint8_t* mask) {
  Index row = 0;
  for (std::size_t i = 0; i < length;) {
    if (signature[i] < 0) {
      ++row, ++i;
      continue;
    }
    std::memset(mask + row * block_kv + signature[i], 1,
                static_cast<std::size_t>(signature[i + 1] - signature[i]));
    i += 2;
  }
}

}  // namespace attnbench
