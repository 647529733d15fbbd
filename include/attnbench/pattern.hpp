// The plugin interface. A pattern is a predicate over (head, query position, key position): may
// this query see this key? Everything else a plugin offers is optional and exists for speed
// (candidate key ranges, tile classification, row filling) or for honest accounting (closed-form
// pair counts). Executors never see a Pattern: the layout builder turns it into plain data.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <attnbench/params.hpp>

namespace attnbench {

// The lengths a pattern is instantiated for. Query row r sits at key-axis position r + q_offset
// (0 for align top_left, kv_len - q_len for bottom_right): predicates take that position.
struct Geometry {
  Index q_len = 0;
  Index kv_len = 0;
  int heads = 1;
  Index q_offset = 0;
};

enum class TileKind : std::uint8_t { kEmpty = 0, kPartial = 1, kFull = 2 };

// A rectangle of the mask: query positions [q_begin, q_end) x keys [k_begin, k_end).
struct TileRect {
  Index q_begin = 0;
  Index q_end = 0;
  Index k_begin = 0;
  Index k_end = 0;
};

struct KeyRange {
  Index begin = 0;
  Index end = 0;
};

// The union of key ranges as sorted disjoint ranges (what candidate_keys returns); empty ranges
// are dropped.
std::vector<KeyRange> merge_ranges(std::vector<KeyRange> ranges);

class Pattern {
 public:
  explicit Pattern(const Geometry& geometry) : geometry_(geometry) {}
  virtual ~Pattern() = default;
  Pattern(const Pattern&) = delete;
  Pattern& operator=(const Pattern&) = delete;

  // The single source of truth. `q` is the query's position (row + q_offset), `k` the key.
  virtual bool allows(int head, Index q, Index k) const = 0;

  // out[k - k_begin] = allows(head, q, k) for k in [k_begin, k_end). Override for speed only.
  virtual void fill_row(int head, Index q, Index k_begin, Index k_end, std::uint8_t* out) const;

  // Keys that queries at positions [q_begin, q_end) may see, as a superset in sorted disjoint
  // ranges. The default is every key; a pattern with geometry narrows it so that a layout over
  // a million tokens does not visit every tile.
  virtual std::vector<KeyRange> candidate_keys(int head, Index q_begin, Index q_end) const;

  // Classifies a tile from the pattern's geometry, or says "don't know" (nullopt). Every answer
  // is checked against a scan of `allows` by the conformance tests.
  virtual std::optional<TileKind> classify(int head, const TileRect& tile) const;

  // The number of allowed pairs of one head from the paper's formula, where one applies here.
  virtual std::optional<Index> closed_form_pairs(int head) const;

  // The relative position (query position - key position, as fed to RoPE or a bias) that an
  // allowed pair uses. Position-remapping patterns (Self-Extend, LM-Infinite, StreamingLLM)
  // override it; `attnbench mask --positions` exports it.
  virtual Index relative_position(int, Index q, Index k) const { return q - k; }

  // Work the method needs besides its attention pairs (an SSM scan, pooling, hashing), per
  // head and batch item, for a model width of `heads * head_dim`.
  struct SideCost {
    std::string name;
    double flops = 0;
  };
  virtual std::vector<SideCost> side_costs(Index /*head_dim*/) const { return {}; }

  // Decoding (`pass: decode`): the keys among [0, length) that queries at positions
  // [q_begin, q_end) may still see, as sorted disjoint ranges; a decoder evicts the rest from
  // its key-value cache (q_end is the final length, known in advance). nullopt, the default,
  // declares no policy: attnbench then derives one from candidate_keys, and skips
  // content-dependent and length-changing patterns. A policy that drops a key some later query
  // sees makes its decode cases fail their check against the reference.
  virtual std::optional<std::vector<KeyRange>> decode_keep(int /*head*/, Index /*q_begin*/,
                                                           Index /*q_end*/,
                                                           Index /*length*/) const {
    return std::nullopt;
  }

  // True when heads see different masks; otherwise one layout serves every head.
  virtual bool varies_by_head() const { return false; }

  const Geometry& geometry() const { return geometry_; }

 private:
  Geometry geometry_;
};

}  // namespace attnbench
