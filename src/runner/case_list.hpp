// `run --mode list`: each case as the run would meet it, before anything runs: the memory the
// guard will compare with --memory-limit (bounded without building a layout), the cost --shard
// balances by, and whether the guard would skip it. `--ids` keeps the plain id list for scripts.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/case.hpp"

namespace attnbench {

struct CaseForecast {
  std::optional<std::int64_t> bytes;  // analytic bytes (an upper bound); none: not predicted
  bool at_least = false;  // bytes is a lower bound (content-dependent mask, or the walk stopped)
  double cost = 0;        // predicted_cost (runner/shard.hpp)
  std::string guard;      // "skip", "fits", "?" (cannot tell before running), or the skip reason
};

// `limit`: the memory limit the run would apply (--memory-limit, else the available memory).
CaseForecast forecast_case(const Case& c, std::int64_t limit);

// One line per case (label, memory, cost as a share of the listed total, guard, id), a header
// and a closing line of totals.
std::string render_case_list(const std::vector<const Case*>& cases, std::int64_t limit);

}  // namespace attnbench
