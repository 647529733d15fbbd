// A decode step's block choice (decode.hpp: retrieve_rows), made by the sparse cache decoder
// inside its timed step with the rule the landmark plugin decides its forward rows with
// (BlockRetrieval::choose): the step pays for scoring every cached landmark.
#include "exec/decode.hpp"

namespace attnbench {

void retrieve_rows(const BlockRetrieval& retrieval, const float* queries, const float* keys,
                   Index d, const RowsAt& at, RetrievedRows& out) {
  out.rows.resize(static_cast<std::size_t>(at.count));
  out.masks.clear();
  out.chosen.resize(static_cast<std::size_t>(retrieval.top_k));
  std::vector<KeyRange> all;
  for (Index r = 0; r < at.count; ++r) {
    const Index position = at.first + r % at.tokens;
    retrieval.choose(queries + r * d, keys, d, position, out.chosen.data());
    std::vector<KeyRange>& row = out.rows[static_cast<std::size_t>(r)];
    row = retrieval.attended(position, out.chosen.data());
    all.insert(all.end(), row.begin(), row.end());
    out.masks.push_back(&row);
  }
  out.spans = merge_ranges(std::move(all));
}

}  // namespace attnbench
