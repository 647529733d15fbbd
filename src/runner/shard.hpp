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

// Inside a Slurm job array (SLURM_ARRAY_TASK_ID, SLURM_ARRAY_TASK_COUNT, SLURM_ARRAY_TASK_MIN).
std::optional<Shard> shard_from_slurm();

std::vector<const Case*> shard_cases(const std::vector<const Case*>& cases, const Shard& shard);

}  // namespace attnbench
