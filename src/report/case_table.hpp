// The per-case table of a run (table.*): latency, speedups, the three FLOP figures, GFLOP/s,
// densities, memory and accuracy of every record, baselines included. Declared in views.hpp
// (case_view); this header keeps the compact parameter text other code prints.
#pragma once

#include "results/record.hpp"

namespace attnbench {

// A compact "radius=128 causal=true" form of a record's parameters.
std::string params_text(const Json& params);

}  // namespace attnbench
