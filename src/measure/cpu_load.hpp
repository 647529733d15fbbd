// What other processes did to a measurement: the CPU time the whole machine spent busy (and
// stolen by a hypervisor) minus this process's own, over a window, as a share of the cores.
// A benchmark that shared its cores is flagged rather than believed.
#pragma once

#include <cstdint>
#include <vector>

namespace attnbench {

struct CpuTimes {
  std::int64_t machine_busy = 0;   // jiffies, every CPU: user nice system irq softirq steal
  std::int64_t machine_total = 0;  // jiffies, every CPU, idle included
  std::int64_t own = 0;            // jiffies of this process: utime + stime
};

CpuTimes read_cpu_times();

// Share of the cores other processes used between two readings (0 when the window is too short
// for the clock's 10 ms ticks to tell).
double foreign_cpu_share(const CpuTimes& start, const CpuTimes& end);

// The 1, 5 and 15 minute load averages (empty where /proc/loadavg is missing).
std::vector<double> load_averages();

}  // namespace attnbench
