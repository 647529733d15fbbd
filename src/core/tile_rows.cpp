#include "core/tile_rows.hpp"

#include <algorithm>
#include <cstring>

namespace attnbench {

void TileRows::load(const IntervalPattern& pattern, int head, Index q_begin, Index q_end) {
  ranges_.clear();
  row_start_.assign(1, 0);
  const Index kv_len = pattern.geometry().kv_len;
  Intervals keys;
  for (Index q = q_begin; q < q_end; ++q) {
    keys = Intervals{};
    pattern.key_intervals(head, q, keys);
    const std::size_t first = ranges_.size();
    for (const KeyRange& r : keys) {
      const Index begin = std::max<Index>(r.begin, 0), end = std::min(r.end, kv_len);
      if (begin < end) ranges_.push_back({begin, end});
    }
    std::sort(ranges_.begin() + static_cast<std::ptrdiff_t>(first), ranges_.end(),
              [](const KeyRange& a, const KeyRange& b) { return a.begin < b.begin; });
    std::size_t kept = first;  // merge overlapping and touching intervals in place
    for (std::size_t i = first; i < ranges_.size(); ++i) {
      if (kept > first && ranges_[i].begin <= ranges_[kept - 1].end) {
        ranges_[kept - 1].end = std::max(ranges_[kept - 1].end, ranges_[i].end);
      } else {
        ranges_[kept++] = ranges_[i];
      }
    }
    ranges_.resize(kept);
    row_start_.push_back(ranges_.size());
  }
}

Index TileRows::describe(Index k_begin, Index k_end, std::vector<std::uint8_t>& signature) const {
  signature.clear();
  Index allowed = 0;
  auto put = [&](Index value) {
    const auto v = static_cast<std::int32_t>(value);
    const auto* bytes = reinterpret_cast<const std::uint8_t*>(&v);
    signature.insert(signature.end(), bytes, bytes + sizeof v);
  };
  for (std::size_t row = 0; row + 1 < row_start_.size(); ++row) {
    for (std::size_t i = row_start_[row]; i < row_start_[row + 1]; ++i) {
      const Index lo = std::clamp(ranges_[i].begin, k_begin, k_end);
      const Index hi = std::clamp(ranges_[i].end, lo, k_end);
      if (lo == hi) continue;
      allowed += hi - lo;
      put(lo - k_begin);
      put(hi - k_begin);
    }
    put(-1);  // the end of a row
  }
  return allowed;
}

void TileRows::fill(Index k_begin, Index k_end, Index block_kv, std::uint8_t* mask) const {
  for (std::size_t row = 0; row + 1 < row_start_.size(); ++row) {
    std::uint8_t* out = mask + static_cast<Index>(row) * block_kv;
    for (std::size_t i = row_start_[row]; i < row_start_[row + 1]; ++i) {
      const Index lo = std::clamp(ranges_[i].begin, k_begin, k_end);
      const Index hi = std::clamp(ranges_[i].end, lo, k_end);
      std::memset(out + (lo - k_begin), 1, static_cast<std::size_t>(hi - lo));
    }
  }
}

}  // namespace attnbench
