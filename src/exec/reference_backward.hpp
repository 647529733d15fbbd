// The double-precision reference for the backward pass: dQ on sampled query rows and dK, dV on
// sampled key columns, for the seeded dO in Tensors::d_out. Like the forward reference it reads
// the pattern (reference_mask_row), not the layout. A sampled key's dK and dV need every query
// row that sees it, so each such row's softmax is recomputed in full: the cost follows the rows
// that see a sampled key times their keys (all n^2 pairs per head for full attention), so dK and
// dV may be checked on a few key heads only. Never timed.
#pragma once

#include <vector>

#include "core/pattern.hpp"
#include "exec/problem.hpp"

namespace attnbench {

struct ReferenceGradients {
  std::vector<Index> rows;        // the query rows of dq, per (batch, head)
  std::vector<Index> keys;        // the key columns of dk and dv, per key slice
  std::vector<Index> key_slices;  // the (batch, key head) slices checked: b * kv_heads + head
  std::vector<double> dq;         // [batch, heads, rows, d]
  std::vector<double> dk;         // [key_slices, keys, d], summed over the key head's group
  std::vector<double> dv;
};

struct GradientSample {
  Index rows = 0;        // query rows per (batch, head), spread evenly (sample_rows)
  Index keys = 0;        // key columns per key slice, likewise
  Index key_slices = 0;  // (batch, key head) slices for dK, dV: the first and last when 2,
                         // spread evenly; 0: all of them
};

ReferenceGradients reference_gradients(const Pattern& pattern, const Problem& problem,
                                       const Tensors& inputs, const GradientSample& sample);

}  // namespace attnbench
