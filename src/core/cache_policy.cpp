#include "core/cache_policy.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <stdexcept>

#include "core/composite.hpp"
#include "core/content_pattern.hpp"
#include "core/interval_pattern.hpp"
#include "core/registry.hpp"

namespace attnbench {

namespace {

std::vector<KeyRange> clip(std::vector<KeyRange> ranges, Index length) {
  for (KeyRange& r : ranges) {
    r.begin = std::max<Index>(r.begin, 0);
    r.end = std::min(r.end, length);
  }
  return merge_ranges(std::move(ranges));
}

// Whether every key of `inner` is in `outer` (both sorted and disjoint).
bool contains(const std::vector<KeyRange>& outer, const std::vector<KeyRange>& inner) {
  std::size_t o = 0;
  for (const KeyRange& r : inner) {
    while (o < outer.size() && outer[o].end <= r.begin) ++o;
    if (o == outer.size() || outer[o].begin > r.begin || outer[o].end < r.end) return false;
  }
  return true;
}

bool declares_policy(const Pattern& pattern) {
  const Index n = pattern.geometry().kv_len;
  return pattern.decode_keep(0, 0, n, n).has_value();
}

// The keys queries at [q_begin, q_end) may still see among [0, length): the pattern's own
// policy, or its candidate key ranges over those queries.
std::vector<KeyRange> keep_keys(const Pattern& pattern, int head, Index q_begin, Index q_end,
                                Index length) {
  if (auto declared = pattern.decode_keep(head, q_begin, q_end, length)) {
    return clip(std::move(*declared), length);
  }
  return clip(pattern.candidate_keys(head, q_begin, q_end), length);
}

// The re-computation baseline's mask: the last `window` tokens that exist at the query's step.
class RecomputeWindow final : public Pattern {
 public:
  RecomputeWindow(const DecodeShape& shape, Index window)
      : Pattern(
            Geometry{shape.final_length(), shape.final_length(), static_cast<int>(shape.heads), 0}),
        shape_(shape),
        window_(window) {}

  bool allows(int, Index q, Index k) const override {
    return k <= q && k >= first_key(q) && k >= 0;
  }
  std::vector<KeyRange> candidate_keys(int, Index q_begin, Index q_end) const override {
    return {KeyRange{std::max<Index>(0, first_key(q_begin)), q_end}};
  }

 private:
  Index first_key(Index q) const {
    const Index step = std::max<Index>(0, q - shape_.initial) / shape_.tokens;
    return shape_.step_end(step) - window_;
  }
  DecodeShape shape_;
  Index window_;
};

}  // namespace

Index count_keys(const std::vector<KeyRange>& ranges) {
  Index n = 0;
  for (const KeyRange& r : ranges) n += r.end - r.begin;
  return n;
}

std::optional<std::string> decode_skip_reason(const PatternSpec& spec, const Pattern& pattern) {
  if (declares_policy(pattern)) return std::nullopt;
  if (const std::optional<CompositionParts> parts = composition_parts(pattern)) {
    for (std::size_t i = 0; i < parts->parts.size() && i < spec.parts.size(); ++i) {
      if (auto why = decode_skip_reason(spec.parts[i], *parts->parts[i])) return why;
    }
    return std::nullopt;
  }
  const PatternInfo* info = find_pattern(spec.name);
  const Index n = pattern.geometry().kv_len;
  if (info != nullptr && executed_lengths(*info, n, n, spec.params) != std::pair{n, n}) {
    return fmt::format(
        "{} changes the executed lengths, and declares no decode cache policy (decode_keep)",
        spec.name);
  }
  if (dynamic_cast<const ContentPattern*>(&pattern) != nullptr) {
    return fmt::format("{} is content-dependent, and declares no decode cache policy (decode_keep)",
                       spec.name);
  }
  return std::nullopt;
}

std::vector<KeyRange> allowed_keys(const Pattern& pattern, int head, Index q, Index length) {
  std::vector<KeyRange> candidates = clip(pattern.candidate_keys(head, q, q + 1), length);
  // An interval pattern's candidate ranges for one query are its intervals: exact.
  if (dynamic_cast<const IntervalPattern*>(&pattern) != nullptr) return candidates;
  std::vector<KeyRange> allowed;
  for (const KeyRange& r : candidates) {
    for (Index k = r.begin; k < r.end; ++k) {
      if (!pattern.allows(head, q, k)) continue;
      if (!allowed.empty() && allowed.back().end == k) {
        allowed.back().end = k + 1;
      } else {
        allowed.push_back({k, k + 1});
      }
    }
  }
  return allowed;
}

const std::vector<KeyRange>& DecodeStep::keep_of(Index kv_head) const {
  return keep[keep.size() == 1 ? 0 : static_cast<std::size_t>(kv_head)];
}
const std::vector<KeyRange>& DecodeStep::allowed_of(Index head, Index row) const {
  const Index rows = static_cast<Index>(allowed.size()) / (shared ? 1 : heads_count);
  return allowed[static_cast<std::size_t>((shared ? 0 : head) * rows + row)];
}

namespace {

// The scored keys of the candidate blocks of queries up to `last` that the step does not attend
// anyway (`seen`: sorted disjoint).
std::int64_t scored_outside(const BlockRetrieval& r, Index last,
                            const std::vector<KeyRange>& seen) {
  std::int64_t n = 0;
  std::size_t at = 0;
  for (Index b = 0; b < r.candidates(last); ++b) {
    const Index key = r.scored_key(b);
    while (at < seen.size() && seen[at].end <= key) ++at;
    n += at == seen.size() || seen[at].begin > key ? 1 : 0;
  }
  return n;
}

// One step: its keep ranges per key-value head (or one for all) and allowed ranges per row.
DecodeStep plan_step(const Pattern& pattern, const DecodeShape& shape, Index step, bool shared,
                     const std::optional<BlockRetrieval>& retrieval) {
  const Index begin = shape.step_begin(step), end = shape.step_end(step);
  const Index final_length = shape.final_length();
  const Index layout_heads = shared ? 1 : shape.heads;
  DecodeStep s;
  s.shared = shared;
  s.heads_count = shape.heads;
  for (Index h = 0; h < layout_heads; ++h) {
    for (Index row = 0; row < shape.tokens; ++row) {
      s.allowed.push_back(allowed_keys(pattern, static_cast<int>(h), begin + row, end));
    }
  }
  const Index kv_count = shared ? 1 : shape.kv_heads;
  for (Index g = 0; g < kv_count; ++g) {
    std::vector<KeyRange> keep, seen;
    const Index first = shared ? 0 : g * shape.group();
    const Index last = shared ? 1 : first + shape.group();
    for (Index h = first; h < last; ++h) {
      for (const KeyRange& r : keep_keys(pattern, static_cast<int>(h), begin, final_length, end))
        keep.push_back(r);
      for (Index row = 0; row < shape.tokens; ++row) {
        const std::vector<KeyRange>& allowed = s.allowed_of(h, row);
        seen.insert(seen.end(), allowed.begin(), allowed.end());
      }
    }
    s.keep.push_back(merge_ranges(std::move(keep)));
    seen = merge_ranges(std::move(seen));
    s.distinct_keys += count_keys(seen) * (shared ? shape.kv_heads : 1);
    if (retrieval) {
      s.scored_keys += scored_outside(*retrieval, end - 1, seen) * (shared ? shape.kv_heads : 1);
    }
  }
  for (Index h = 0; h < shape.heads; ++h) {
    for (Index row = 0; row < shape.tokens; ++row) {
      const std::vector<KeyRange>& allowed = s.allowed_of(h, row);
      s.allowed_pairs += count_keys(allowed);
      const std::vector<KeyRange>& keep = s.keep_of(h / shape.group());
      s.exact = s.exact && allowed.size() == keep.size() &&
                std::equal(allowed.begin(), allowed.end(), keep.begin(),
                           [](const KeyRange& a, const KeyRange& b) {
                             return a.begin == b.begin && a.end == b.end;
                           });
    }
  }
  return s;
}

}  // namespace

DecodePlan plan_decode(const Pattern& pattern, const DecodeShape& shape) {
  DecodePlan plan{.shape = shape};
  if (const auto* retrieves = dynamic_cast<const RetrievesBlocks*>(&pattern)) {
    plan.retrieval = retrieves->block_retrieval();
  }
  const bool shared = !pattern.varies_by_head();
  for (Index step = 0; step < shape.steps; ++step) {
    plan.steps.push_back(plan_step(pattern, shape, step, shared, plan.retrieval));
  }
  const std::vector<std::vector<KeyRange>>& first = plan.steps.front().keep;
  for (const std::vector<KeyRange>& keep : first) {
    plan.initial_keep.push_back(clip(keep, shape.initial));
  }
  auto entries = [&](const std::vector<std::vector<KeyRange>>& keep) {
    std::int64_t total = 0;
    for (const auto& ranges : keep) total += count_keys(ranges);
    return total * (shared ? shape.kv_heads : 1);
  };
  plan.initial_entries = entries(plan.initial_keep);
  std::vector<std::vector<KeyRange>> before = plan.initial_keep;
  for (Index step = 0; step < shape.steps; ++step) {
    const DecodeStep& s = plan.steps[static_cast<std::size_t>(step)];
    for (std::size_t g = 0; g < s.keep.size(); ++g) {
      // A key evicted earlier cannot come back: the cache no longer holds it.
      if (!contains(before[g], clip(s.keep[g], shape.step_begin(step)))) {
        throw std::runtime_error(fmt::format(
            "the decode cache policy keeps at step {} a key it evicted earlier (key-value head "
            "{})",
            step, g));
      }
      plan.capacity = std::max(plan.capacity, count_keys(s.keep[g]));
    }
    plan.max_entries = std::max(plan.max_entries, entries(s.keep));
    before = s.keep;
  }
  plan.final_entries = entries(plan.steps.back().keep);
  return plan;
}

std::unique_ptr<Pattern> recompute_window(const DecodeShape& shape, Index window) {
  return std::make_unique<RecomputeWindow>(shape, window);
}

}  // namespace attnbench
