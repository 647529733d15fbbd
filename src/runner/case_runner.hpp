// Runs one case: memory guard, layout (timed), inputs, executor, check against the reference,
// timing. Every outcome, failures and library errors included, becomes the record's status.
#pragma once

#include <map>
#include <optional>
#include <string>

#include <functional>
#include <memory>

#include "core/case.hpp"
#include "core/layout.hpp"
#include "core/layout_stats.hpp"
#include "core/pattern.hpp"
#include "core/prepare_mask.hpp"
#include "exec/problem.hpp"
#include "results/record.hpp"

namespace attnbench {

struct CaseOptions {
  bool check = true;
  bool perf = true;
  std::optional<std::int64_t> memory_limit;   // default: the machine's available memory
  std::map<std::string, double> gemm_gflops;  // f32, by thread count (baseline predictions)
  Probes probes;        // by dtype and thread count, for gemm_fraction and peak_fraction
  std::string run_dir;  // where content-dependent decisions are written; empty: nowhere
};

// One case on its own: run_cell of a single case (cell_runner.hpp).
CaseRecord run_case(const Case& c, const CaseOptions& options);

// A case's pattern and layout with its mask figures, nothing executed. Throws on plugin errors.
struct CaseMask {
  std::unique_ptr<Pattern> pattern;
  BlockLayout layout;
  CaseRecord record;
};
// `budget` (0: none) bounds what the mask may allocate: MemoryNeed beyond it, before allocating.
CaseMask build_case_mask(const Case& c, std::int64_t budget = 0);

// The mask figures of a case (layout, densities, pair counts) without running an executor: the
// `density` command. Content-dependent patterns decide from the case's seeded random inputs.
// MemoryNeed propagates; other errors become the record's `error` status.
CaseRecord mask_record(const Case& c, std::int64_t budget = 0);

// The record's identifying fields, before anything runs.
CaseRecord describe_case(const Case& c);

// The pieces of a run the cell runner shares with the commands above.
// The case's input set at its lengths: a file set's rows (shapes checked when the config
// loaded) or a seeded generator's; uniform (the default) through random_inputs.
Tensors case_inputs(const Case& c, const Problem& problem);
// The pattern and its layout (both timed) with their statistics; `inputs` is called only for a
// content-dependent pattern.
struct MemoryBudget {
  std::int64_t bytes = 0;     // 0: no limit; beyond it prepare_mask throws MemoryNeed
  bool count_inputs = false;  // whether the inputs are made inside, for a content pattern
};
PreparedMask build_mask(const Case& c, const std::function<const Tensors&()>& inputs,
                        LayoutStats& stats, const MemoryBudget& budget = {});
// The record's preparation times and its mask, density and FLOP figures (for its executor).
void fill_figures(CaseRecord& r, const PreparedMask& mask, const LayoutStats& stats);
// The executor's output (in the problem's dtype) against the double-precision reference on
// `check_rows` sampled rows; `tolerance` is the config's, or absent for the dtype's default.
AccuracyFigures check_output(const Pattern& pattern, const Problem& p, const Tensors& in,
                             const void* out, Index check_rows, std::optional<double> tolerance);

}  // namespace attnbench
