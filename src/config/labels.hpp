// What a person reads for a pattern spec: its name and the parameters that tell it apart (those
// away from their defaults, and the swept ones), not the canonical id.
#pragma once

#include <set>
#include <string>

#include "core/case.hpp"

namespace attnbench {

// "sliding_window radius=64 causal=true"; a composition: "union(sliding_window radius=64 |
// streaming_llm)", per_head parts with their head counts ("per_head(2x dense | 6x ...)").
// `prefix` replaces the pattern's name (an entry's `label:`); `swept` parameters are always shown.
std::string spec_label(const PatternSpec& spec, const std::set<std::string>& swept = {},
                       const std::string& prefix = {});

}  // namespace attnbench
