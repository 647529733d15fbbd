#include "core/composite.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <numeric>

#include "core/content_pattern.hpp"
#include "core/errors.hpp"
#include "core/registry.hpp"

namespace attnbench {

namespace {
constexpr std::array<std::string_view, 3> kKindNames = {"union", "intersection", "per_head"};
}  // namespace

std::optional<CompositionKind> composition_kind(const std::string& name) {
  for (std::size_t i = 0; i < kKindNames.size(); ++i) {
    if (kKindNames[i] == name) return static_cast<CompositionKind>(i);
  }
  return std::nullopt;
}

std::string_view to_string(CompositionKind kind) {
  return kKindNames[static_cast<std::size_t>(kind)];
}

std::pair<Index, Index> executed_lengths(const PatternSpec& spec, Index seq_len, Index kv_len) {
  if (!is_composition(spec.name)) {
    return executed_lengths(*find_pattern(spec.name), seq_len, kv_len, spec.params);
  }
  const auto first = executed_lengths(spec.parts.front(), seq_len, kv_len);
  for (const PatternSpec& part : spec.parts) {
    if (executed_lengths(part, seq_len, kv_len) != first) {
      throw ParamError(
          "of", fmt::format("{} and {} execute different lengths; a composition needs the same",
                            spec.parts.front().text(), part.text()));
    }
  }
  return first;
}

namespace {

// Q and K of `count` heads from `first` on, as their own ContentInputs: a view when the heads are
// whole groups of query heads sharing key-value heads, else with each head's key-value rows
// copied into `k_copy` (one key-value head per query head).
ContentInputs heads_of(const ContentInputs& in, Index first, Index count,
                       std::vector<float>& k_copy) {
  ContentInputs part = in;
  part.q = in.q + first * in.q_len * in.head_dim;
  part.heads = count;
  const Index group = in.heads / in.kv_heads;
  const std::size_t head_floats = static_cast<std::size_t>(in.kv_len * in.head_dim);
  if (first % group == 0 && count % group == 0) {
    part.k = in.k + static_cast<std::size_t>(first / group) * head_floats;
    part.kv_heads = count / group;
    return part;
  }
  k_copy.resize(static_cast<std::size_t>(count) * head_floats);
  for (Index h = 0; h < count; ++h) {
    const float* source = in.k_row(first + h, 0);
    std::copy(
        source, source + head_floats,
        k_copy.begin() + static_cast<std::ptrdiff_t>(h) * static_cast<std::ptrdiff_t>(head_floats));
  }
  part.k = k_copy.data();
  part.kv_heads = count;
  return part;
}

class Composite final : public ContentPattern {
 public:
  Composite(const Geometry& g, CompositionKind kind, std::vector<std::unique_ptr<Pattern>> parts,
            IndexList heads)
      : ContentPattern(g), kind_(kind), parts_(std::move(parts)), first_head_(std::move(heads)) {}

  // Query positions are the composite's (row + its q_offset); each part is asked at its own
  // position of the same row (row + the part's q_offset), so that a part keeps its `align`.
  bool allows(int head, Index q, Index k) const override {
    if (kind_ == CompositionKind::kPerHead) {
      const Pattern& part = part_of(head);
      return part.allows(local(head), at(part, q), k);
    }
    const bool any = kind_ == CompositionKind::kUnion;
    for (const auto& p : parts_) {
      if (p->allows(head, at(*p, q), k) == any) return any;
    }
    return !any;
  }

  std::vector<KeyRange> candidate_keys(int head, Index q_begin, Index q_end) const override {
    if (kind_ == CompositionKind::kPerHead) {
      const Pattern& part = part_of(head);
      return part.candidate_keys(local(head), at(part, q_begin), at(part, q_end));
    }
    if (kind_ == CompositionKind::kIntersection) {
      const Pattern& first = *parts_.front();
      return first.candidate_keys(head, at(first, q_begin), at(first, q_end));
    }
    std::vector<KeyRange> all;
    for (const auto& p : parts_) {
      for (const KeyRange& r : p->candidate_keys(head, at(*p, q_begin), at(*p, q_end)))
        all.push_back(r);
    }
    std::sort(all.begin(), all.end(),
              [](const KeyRange& a, const KeyRange& b) { return a.begin < b.begin; });
    return all;
  }

  std::optional<TileKind> classify(int head, const TileRect& tile) const override {
    if (kind_ == CompositionKind::kPerHead) {
      const Pattern& part = part_of(head);
      return part.classify(local(head), at(part, tile));
    }
    const TileKind decisive = kind_ == CompositionKind::kUnion ? TileKind::kFull : TileKind::kEmpty;
    bool all_other = true;
    for (const auto& p : parts_) {
      const std::optional<TileKind> kind = p->classify(head, at(*p, tile));
      if (kind == decisive) return decisive;
      all_other = all_other && kind.has_value() && *kind != TileKind::kPartial;
    }
    if (all_other) return decisive == TileKind::kFull ? TileKind::kEmpty : TileKind::kFull;
    return std::nullopt;
  }

  std::optional<Index> closed_form_pairs(int head) const override {
    if (kind_ != CompositionKind::kPerHead) return std::nullopt;
    return part_of(head).closed_form_pairs(local(head));
  }

  Index relative_position(int head, Index q, Index k) const override {
    if (kind_ != CompositionKind::kPerHead) return q - k;
    const Pattern& part = part_of(head);
    return part.relative_position(local(head), at(part, q), k);
  }

  bool varies_by_head() const override {
    return kind_ == CompositionKind::kPerHead ||
           std::any_of(parts_.begin(), parts_.end(),
                       [](const auto& p) { return p->varies_by_head(); });
  }

  // A per_head part decides from its own heads' Q and K, as it would standing alone over them.
  void prepare(const ContentInputs& in) override {
    for (std::size_t i = 0; i < parts_.size(); ++i) {
      auto* content = dynamic_cast<ContentPattern*>(parts_[i].get());
      if (content == nullptr) continue;
      if (kind_ != CompositionKind::kPerHead) {
        content->prepare(in);
        continue;
      }
      std::vector<float> k_copy;
      content->prepare(heads_of(in, first_head_[i], parts_[i]->geometry().heads, k_copy));
    }
  }

  CompositionParts structure() const {
    CompositionParts view{kind_, {}, first_head_};
    for (const auto& p : parts_) view.parts.push_back(p.get());
    return view;
  }

 private:
  // The part's position of the query at the composite's position q (the same row).
  Index at(const Pattern& part, Index q) const {
    return q - geometry().q_offset + part.geometry().q_offset;
  }
  TileRect at(const Pattern& part, TileRect tile) const {
    tile.q_begin = at(part, tile.q_begin);
    tile.q_end = at(part, tile.q_end);
    return tile;
  }

  std::size_t index_of(int head) const {
    return static_cast<std::size_t>(std::upper_bound(first_head_.begin(), first_head_.end(), head) -
                                    first_head_.begin()) -
           1;
  }
  const Pattern& part_of(int head) const { return *parts_[index_of(head)]; }
  int local(int head) const { return head - static_cast<int>(first_head_[index_of(head)]); }

  CompositionKind kind_;
  std::vector<std::unique_ptr<Pattern>> parts_;
  IndexList first_head_;  // per_head: the first head of each part
};

}  // namespace

std::unique_ptr<Pattern> instantiate(const PatternSpec& spec, Index q_len, Index kv_len,
                                     int heads) {
  if (!is_composition(spec.name)) {
    return find_pattern(spec.name)->make(make_geometry(q_len, kv_len, heads, spec.params),
                                         spec.params);
  }
  std::vector<std::unique_ptr<Pattern>> parts;
  IndexList first_head;
  const CompositionKind kind = *composition_kind(spec.name);
  if (kind == CompositionKind::kPerHead) {
    const Index total = std::accumulate(spec.head_counts.begin(), spec.head_counts.end(), Index{0});
    if (total != heads) {
      throw ParamError(
          "of", fmt::format("the parts' heads add up to {}, the shape has {}", total, heads));
    }
    Index next = 0;
    for (std::size_t i = 0; i < spec.parts.size(); ++i) {
      first_head.push_back(next);
      parts.push_back(
          instantiate(spec.parts[i], q_len, kv_len, static_cast<int>(spec.head_counts[i])));
      next += spec.head_counts[i];
    }
  } else {
    for (const PatternSpec& part : spec.parts)
      parts.push_back(instantiate(part, q_len, kv_len, heads));
  }
  // A composition's rows sit at its parts' latest position (their shared one when they share
  // an alignment), so that parts causal at their own alignments stay causal at the
  // composition's (its causal pair count). Whatever it is, each part is asked at its own.
  Index offset = parts.front()->geometry().q_offset;
  for (const auto& p : parts) offset = std::max(offset, p->geometry().q_offset);
  const Geometry geometry{q_len, kv_len, heads, offset};
  return std::make_unique<Composite>(geometry, kind, std::move(parts), std::move(first_head));
}

std::optional<CompositionParts> composition_parts(const Pattern& pattern) {
  if (const auto* composite = dynamic_cast<const Composite*>(&pattern))
    return composite->structure();
  return std::nullopt;
}

}  // namespace attnbench
