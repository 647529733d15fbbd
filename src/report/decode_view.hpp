// The decode view (`pass: decode` records): per pattern and cache size, the time of a step and
// the cache memory on the sparse executor (the pattern's cache policy), beside the dense
// executor (every key kept), dense causal decoding at the same cache size, and StreamingLLM's
// re-computation baseline when the run holds it, as the paper's figure sets them side by side.
#pragma once

#include "report/view.hpp"
#include "results/record.hpp"

namespace attnbench {

NamedTable decode_view(const RunResults& results);

}  // namespace attnbench
