// Resident memory of this process, read from /proc: the peak since the last reset (VmHWM), and
// the memory the machine has available for a new case (MemAvailable).
#pragma once

#include <cstdint>

namespace attnbench {

// Resets the peak to the current resident size (Linux >= 4.0); false where unsupported.
bool reset_peak_rss();
std::int64_t peak_rss_bytes();
std::int64_t available_memory_bytes();

}  // namespace attnbench
