// The machine probes a run is judged against: the oneDNN GEMM rate and the FMA peak per dtype
// (f32 always, bf16 when a case runs in it) and thread count, and the DRAM read bandwidth on 2
// threads. Each is
// cached per CPU model and flags, host, thread count, dtype and attnbench and oneDNN versions
// under $XDG_CACHE_HOME/attnbench (or ~/.cache) for 24 hours; `--reprobe` measures anew.
#pragma once

#include <string>
#include <vector>

#include "core/case.hpp"
#include "measure/environment.hpp"
#include "results/record.hpp"

namespace attnbench {

struct ProbeOptions {
  std::vector<int> threads;
  bool reprobe = false;
  std::string onednn_version;
  std::string onednn_isa;  // DNNL_MAX_CPU_ISA lowers it: an emulated bf16 GEMM is another figure
  std::vector<DataType> dtypes = {DataType::kF32};  // f32 is always probed
};

// The dtypes of `cases`, f32 first and always.
std::vector<DataType> probe_dtypes(const std::vector<const Case*>& cases);

Probes run_probes(const ProbeOptions& options, const Environment& env);

// Median, min and max of samples, measured now.
ProbeFigure figure_of(std::vector<double> samples);

// Where the cache lives (created on demand); empty when neither variable is set.
std::string probe_cache_path();

}  // namespace attnbench
