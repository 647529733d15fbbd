// A deterministic share of an experiment's cases for shard K of N, balanced by predicted cost
// (the dense FLOPs of the case: longest first, each to the shard with the least so far), so that
// N machines or Slurm array tasks finish together. Every case lands in exactly one shard.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/case.hpp"

namespace attnbench {

struct Shard {
  int index = 1;  // 1-based
  int count = 1;
};

// "K/N" with 1 <= K <= N; throws InputError naming `source` otherwise.
Shard parse_shard(const std::string& text, const std::string& source);

// Inside a Slurm job array (SLURM_ARRAY_TASK_ID, _COUNT, _MIN and _STEP: --array=0-20:10 runs
// tasks 0, 10 and 20 as shards 1/3, 2/3 and 3/3).
std::optional<Shard> shard_from_slurm();

// What a case is predicted to cost, in arbitrary units (its dense FLOPs): for balance and ETAs.
double predicted_cost(const Case& c);

std::vector<const Case*> shard_cases(const std::vector<const Case*>& cases, const Shard& shard);

}  // namespace attnbench
