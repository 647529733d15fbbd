// The number of cores this process may run on: the default of the `threads` axis and of
// `mask --threads`. The affinity mask rather than the machine's core count, because a Slurm
// task (or `taskset`) is given a subset and more threads than its cores would only contend.
#pragma once

#include "core/params.hpp"

namespace attnbench {

// The CPUs in this process's affinity mask (sched_getaffinity); where that fails,
// std::thread::hardware_concurrency(); at least 1.
Index usable_cores();

}  // namespace attnbench
