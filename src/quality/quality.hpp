// How much of full attention a mask keeps, on the same inputs: for each sampled query row, the
// share of full attention's softmax mass that falls inside the mask (recall; 0 for a row with
// no allowed key), and the output's relative L2 error against full attention's. Double
// precision, outside any timed region. "Full attention" is the case's baseline mask (runner/
// baseline.hpp: dense, causal when the case's mask stays causal, at the case's alignment).
#pragma once

#include <optional>
#include <string>

#include "core/case.hpp"
#include "core/pattern.hpp"
#include "exec/problem.hpp"
#include "results/record.hpp"

namespace attnbench {

// `rows_per_head` rows spread over the queries (as the check samples them), every batch item
// and head. A row where full attention itself has no key holds no mass and is not counted.
// With the pattern's mask equal to full attention's, recall is exactly 1 and the error exactly
// 0: both softmaxes sum the same weights in the same order.
QualityFigures measure_quality(const Pattern& pattern, const Pattern& full, const Problem& problem,
                               const Tensors& inputs, Index rows_per_head);

// Why a case has no quality figures, or nothing when it can have them: a pattern that executes
// other lengths than configured (pooled queries, added tokens) does not attend over the
// inputs' tokens, so full attention on the same inputs is not defined for it.
std::optional<std::string> quality_unavailable(const Case& c);

}  // namespace attnbench
