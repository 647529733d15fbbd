// What a layout will cost before it is built: the memory guards of `run`, `mask`, `density` and
// `gallery` refuse a mask that cannot fit instead of dying in the build (a dense pattern at 256K
// tokens is 16.7M tiles; a billion-token mask would never finish). The bound walks the pattern's
// candidate key ranges, one call per (layout head, query tile), never the tiles themselves.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>

#include "core/layout.hpp"

namespace attnbench {

struct LayoutBound {
  std::int64_t tiles = 0;  // an upper bound on the visited tiles
  std::int64_t bytes = 0;  // row offsets + tiles + the partial masks at the candidate ranges' edges
  bool stopped = false;    // the walk stopped once `bytes` passed the budget
};

// Stops early (stopped = true) once the bytes exceed `budget`, so that a hopeless size costs
// little to refuse.
LayoutBound bound_layout(const Pattern& pattern, const LayoutShape& shape, std::int64_t budget);

// Thrown when what a mask needs exceeds the memory it may use.
class MemoryNeed : public std::runtime_error {
 public:
  // "WHAT needs [at least] NEEDED, more than the BUDGET it may use"
  MemoryNeed(const std::string& what, std::int64_t needed, std::int64_t budget, bool at_least);
  std::int64_t needed() const { return needed_; }
  std::int64_t budget() const { return budget_; }

 private:
  std::int64_t needed_, budget_;
};

// "1.25 GiB", "380 MiB", "12 KiB": enough digits to tell two sizes apart.
std::string format_bytes(std::int64_t bytes);

}  // namespace attnbench
