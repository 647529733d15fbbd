// The decode check: sampled steps, heads, batch items and rows of a decode executor's output
// against a double-precision reference over the keys the pattern allows at that step (its
// `allows`, through reference_mask_row, up to the keys that exist then), with K and V
// regenerated per position by the same generator. It knows nothing of the cache policy, so a
// policy that evicts a key some query still sees fails here.
#pragma once

#include <cstdint>

#include "core/cache_policy.hpp"
#include "exec/decode_inputs.hpp"

namespace attnbench {

struct DecodeCheck {
  double max_abs_err = 0;
  double max_ref = 0;  // the largest |reference value| compared
  std::int64_t rows_checked = 0;
  std::int64_t non_finite = 0;
};

// `out` is a decode executor's [steps, batch, heads, tokens, d]; up to `check_rows` rows per
// sampled (step, batch item, head).
DecodeCheck check_decode(const Pattern& pattern, const DecodeInputs& inputs, const float* out,
                         Index check_rows);

}  // namespace attnbench
