// Parameter declarations that many patterns share, declared once so that every pattern spells
// them, their defaults and their help the same way.
#pragma once

#include <string>

#include <attnbench/params.hpp>

namespace attnbench {

// `causal`: keys j <= i only.
ParamSpec causal_param(bool default_value, std::string help = "keys j <= i only");

// Local attention's and Reformer's shared-QK rule: a query sees itself only when it sees no
// other key (lucidrains' local-attention `exclude_self`, reformer-pytorch's self masking).
ParamSpec exclude_self_param();

// `replay`: a .npy of recorded decisions to use instead of deciding from the data (read them
// with read_replay, <attnbench/replay.hpp>).
ParamSpec replay_param(std::string what);

}  // namespace attnbench
