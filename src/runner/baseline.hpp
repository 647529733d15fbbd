// The baseline a paper compares a pattern with: full attention run the good way. A case's
// baseline is the same case with its pattern replaced by `dense` (causal when every pair the
// case allows has its key at or before its query, at the case's alignment) on the sparse
// executor, at the lengths the case executes; every other axis is the case's own.
#pragma once

#include <optional>
#include <string>

#include "core/case.hpp"
#include "results/record.hpp"

namespace attnbench {

// The baseline case of a case whose mask figures are in `record` (nothing when its mask was
// not built).
std::optional<Case> baseline_case(const Case& c, const CaseRecord& record);

// Cases that can share a baseline share this key whatever their mask, so that `--shard` keeps
// them (and their baseline) together: every axis but the pattern and the executor, at the
// executed lengths.
std::string baseline_group(const Case& c);

// Seconds the baseline is predicted to take at `gemm_gflops` (warm-ups and the repetitions
// `min_time_ms` asks for included).
double predicted_baseline_seconds(const Case& baseline, bool causal, double gemm_gflops);

// speedup_vs_full, and the reference to the baseline, on `record`.
void attach_baseline(CaseRecord& record, const CaseRecord& baseline);

}  // namespace attnbench
