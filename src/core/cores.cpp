#include "core/cores.hpp"

#include <sched.h>

#include <algorithm>
#include <thread>

namespace attnbench {

Index usable_cores() {
  cpu_set_t mask;
  CPU_ZERO(&mask);
  if (::sched_getaffinity(0, sizeof(mask), &mask) == 0) return std::max(CPU_COUNT(&mask), 1);
  return std::max<Index>(std::thread::hardware_concurrency(), 1);
}

}  // namespace attnbench
