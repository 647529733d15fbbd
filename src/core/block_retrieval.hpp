// Retrieval of whole blocks by a score against one key per block, as Landmark Attention's
// inference does (patterns.md §2): a query attends the causal keys of its chunk plus the top_k
// complete blocks before the chunk whose last key (the landmark) scores highest against it.
// The rule lives here once: the landmark plugin decides its forward rows with it, and the
// decode executor decides each step's rows with it inside the timed step, from its cache.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "core/pattern.hpp"

namespace attnbench {

struct BlockRetrieval {
  Index block = 1;  // positions per block, the scored key last
  Index top_k = 1;
  Index chunk = 1;  // a multiple of block

  // The first key of the query's chunk: keys from there up to the query are local.
  Index local_begin(Index q) const { return q / chunk * chunk; }
  // The complete blocks before the query's chunk: the candidates.
  Index candidates(Index q) const { return local_begin(q) / block; }
  Index scored_key(Index b) const { return b * block + block - 1; }

  // The top_k candidates of a query at position q by q · k_scored, ties to the lower block, in
  // order of score, -1 for the places left when there are fewer candidates. `keys` holds the
  // query's key-value head's keys by position ([positions, d]).
  void choose(const float* query, const float* keys, Index d, Index q, std::int32_t* out) const;

  // The keys the query attends: its chunk's causal keys and the chosen blocks, sorted disjoint.
  std::vector<KeyRange> attended(Index q, const std::int32_t* chosen) const;
};

// A pattern that retrieves blocks this way. A separate base (like RecordsDecisions), so that
// Pattern, and with it the plugin ABI, is unchanged; the decode runner finds it by dynamic_cast.
class RetrievesBlocks {
 public:
  virtual ~RetrievesBlocks() = default;
  // nullopt: not retrieving in this instance (a static mode, or decisions replayed from a file).
  virtual std::optional<BlockRetrieval> block_retrieval() const = 0;
  // Decides one (head, query) row from its query and its key-value head's keys by position, as
  // prepare() does for every row; decoding needs the rows of its steps only.
  virtual void decide_row(int head, Index q, const float* query, const float* keys, Index d) = 0;
};

}  // namespace attnbench
