// Parameters and checks that many plugins share, declared once.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/params.hpp"

namespace attnbench {

// `causal`: keys j <= i only.
ParamSpec causal_param(bool default_value, std::string help = "keys j <= i only");

// Local attention's and Reformer's shared-QK rule: a query sees itself only when it sees no
// other key (lucidrains' local-attention `exclude_self`, reformer-pytorch's self masking).
ParamSpec exclude_self_param();

// `replay`: a .npy of recorded decisions to use instead of deciding from the data.
ParamSpec replay_param(std::string what);

// An int32 replay file of exactly `shape` (-1 matches any size); a missing or malformed file is
// a ParamError on `replay`.
std::vector<std::int32_t> read_replay(const std::string& path,
                                      const std::vector<std::int64_t>& shape);

}  // namespace attnbench
