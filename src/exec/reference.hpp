// The plain reference: double precision, straight loops over the keys the pattern allows. It
// reads the pattern itself rather than the layout, so it checks the layout too. Tests and
// `check` only; never timed.
#pragma once

#include <vector>

#include "core/pattern.hpp"
#include "exec/problem.hpp"

namespace attnbench {

// The output rows `rows` of (batch b, head h), each head_dim values, row after row.
std::vector<double> reference_rows(const Pattern& pattern, const Problem& problem,
                                   const Tensors& inputs, Index b, Index h,
                                   const std::vector<Index>& rows);

// Up to `count` query rows spread evenly over [0, q_len), first and last included.
std::vector<Index> sample_rows(Index q_len, Index count);

}  // namespace attnbench
