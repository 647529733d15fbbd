// The plain reference: double precision, straight loops over the keys the pattern allows. It
// reads the pattern itself rather than the layout, so it checks the layout too: each plugin's
// `allows`, and a composition rebuilt here from its parts (each at its own geometry) rather
// than through the composition's own code. Tests and `check` only; never timed.
#pragma once

#include <cstdint>
#include <vector>

#include "core/pattern.hpp"
#include "exec/problem.hpp"

namespace attnbench {

// out[k] = whether query row `row` (not position) of `head` may see key k, for every key: the
// plugin's `allows` at the row's position, or a composition's parts combined.
void reference_mask_row(const Pattern& pattern, int head, Index row, std::uint8_t* out);

// The output rows `rows` of (batch b, head h), each head_dim values, row after row.
std::vector<double> reference_rows(const Pattern& pattern, const Problem& problem,
                                   const Tensors& inputs, Index b, Index h,
                                   const std::vector<Index>& rows);

// Up to `count` query rows spread evenly over [0, q_len), first and last included.
std::vector<Index> sample_rows(Index q_len, Index count);

}  // namespace attnbench
