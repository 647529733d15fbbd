// The backward pass's check: an executor's dQ, dK and dV against the double-precision
// reference (exec/reference_backward.hpp): dQ on `check_rows` query rows of every (batch, head),
// dK and dV on as many key columns of two (batch, key head) slices (the first and the last).
// Each gradient passes when max |g - g_ref| / max |g_ref| <= 1e-4.
#pragma once

#include <optional>
#include <string>

#include "core/pattern.hpp"
#include "exec/gradients.hpp"
#include "results/record.hpp"

namespace attnbench {

GradientAccuracy check_gradients(const Pattern& pattern, const Problem& problem,
                                 const Tensors& inputs, const Gradients& grads, Index check_rows);

// Why the gradients fail, or nothing when they pass.
std::optional<std::string> gradient_failure(const GradientAccuracy& accuracy);

}  // namespace attnbench
