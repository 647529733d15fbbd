#include <attnbench/pattern.hpp>

#include <algorithm>

namespace attnbench {

std::vector<KeyRange> merge_ranges(std::vector<KeyRange> ranges) {
  std::erase_if(ranges, [](const KeyRange& r) { return r.begin >= r.end; });
  std::sort(ranges.begin(), ranges.end(),
            [](const KeyRange& a, const KeyRange& b) { return a.begin < b.begin; });
  std::vector<KeyRange> merged;
  for (const KeyRange& r : ranges) {
    if (!merged.empty() && r.begin <= merged.back().end) {
      merged.back().end = std::max(merged.back().end, r.end);
    } else {
      merged.push_back(r);
    }
  }
  return merged;
}

void Pattern::fill_row(int head, Index q, Index k_begin, Index k_end, std::uint8_t* out) const {
  for (Index k = k_begin; k < k_end; ++k) out[k - k_begin] = allows(head, q, k) ? 1 : 0;
}

std::vector<KeyRange> Pattern::candidate_keys(int, Index, Index) const {
  return {KeyRange{0, geometry_.kv_len}};
}

std::optional<TileKind> Pattern::classify(int, const TileRect&) const { return std::nullopt; }

std::optional<Index> Pattern::closed_form_pairs(int) const { return std::nullopt; }

}  // namespace attnbench
