#include "measure/memory.hpp"

#include <malloc.h>

#include <fstream>
#include <string>

namespace attnbench {

static std::int64_t read_kib_field(const char* path, const std::string& field) {
  std::ifstream file(path);
  std::string line;
  while (std::getline(file, line)) {
    if (line.rfind(field + ":", 0) == 0) return std::stoll(line.substr(field.size() + 1)) * 1024;
  }
  return -1;
}

bool reset_peak_rss() {
  malloc_trim(0);  // hand freed heap back first, or the previous case's buffers count as this one's
  std::ofstream clear("/proc/self/clear_refs");
  clear << "5";
  return static_cast<bool>(clear);
}

std::int64_t peak_rss_bytes() { return read_kib_field("/proc/self/status", "VmHWM"); }

std::int64_t available_memory_bytes() { return read_kib_field("/proc/meminfo", "MemAvailable"); }

}  // namespace attnbench
