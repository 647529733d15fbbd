#include "measure/cpu_load.hpp"

#include <algorithm>
#include <fstream>
#include <sstream>
#include <string>

namespace attnbench {

CpuTimes read_cpu_times() {
  CpuTimes t;
  std::ifstream stat("/proc/stat");
  std::string label;
  std::int64_t user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0,
               steal = 0;
  if (stat >> label >> user >> nice >> system >> idle >> iowait >> irq >> softirq >> steal &&
      label == "cpu") {
    t.machine_busy = user + nice + system + irq + softirq + steal;
    t.machine_total = t.machine_busy + idle + iowait;
  }
  // /proc/self/stat: fields 14 and 15 (utime, stime) follow the command name in parentheses,
  // which may itself hold spaces.
  std::ifstream self("/proc/self/stat");
  const std::string line((std::istreambuf_iterator<char>(self)), std::istreambuf_iterator<char>());
  const std::size_t close = line.rfind(')');
  if (close != std::string::npos) {
    std::istringstream fields(line.substr(close + 2));
    std::string skip;
    for (int i = 3; i < 14; ++i) fields >> skip;
    std::int64_t utime = 0, stime = 0;
    if (fields >> utime >> stime) t.own = utime + stime;
  }
  return t;
}

double foreign_cpu_share(const CpuTimes& start, const CpuTimes& end) {
  const std::int64_t total = end.machine_total - start.machine_total;
  if (total <= 0) return 0;
  const std::int64_t foreign = (end.machine_busy - start.machine_busy) - (end.own - start.own);
  return std::clamp(static_cast<double>(foreign) / static_cast<double>(total), 0.0, 1.0);
}

std::vector<double> load_averages() {
  std::ifstream file("/proc/loadavg");
  std::vector<double> loads(3);
  if (!(file >> loads[0] >> loads[1] >> loads[2])) return {};
  return loads;
}

}  // namespace attnbench
