// Runs one case: memory guard, layout (timed), inputs, executor, check against the reference,
// timing. Every outcome, failures and library errors included, becomes the record's status.
#pragma once

#include <map>
#include <optional>
#include <string>

#include "core/case.hpp"
#include "core/layout.hpp"
#include "core/pattern.hpp"

#include <memory>
#include "results/record.hpp"

namespace attnbench {

struct CaseOptions {
  bool check = true;
  bool perf = true;
  std::optional<std::int64_t> memory_limit;   // default: the machine's available memory
  std::map<std::string, double> gemm_gflops;  // by thread count, for gemm_fraction
};

CaseRecord run_case(const Case& c, const CaseOptions& options);

// A case's pattern and layout with its mask figures, nothing executed. Throws on plugin errors.
struct CaseMask {
  std::unique_ptr<Pattern> pattern;
  BlockLayout layout;
  CaseRecord record;
};
CaseMask build_case_mask(const Case& c);

// The mask figures of a case (layout, densities, pair counts) without running an executor: the
// `density` command. Content-dependent patterns decide from the case's seeded random inputs.
CaseRecord mask_record(const Case& c);

// The record's identifying fields, before anything runs.
CaseRecord describe_case(const Case& c);

}  // namespace attnbench
