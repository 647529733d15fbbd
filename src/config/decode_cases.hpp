// What `pass: decode` asks of a case, checked when the config loads: kv_len given (the tokens
// cached before the first step), f32, and queries at the bottom right (the newest tokens), so
// `align` is set to bottom_right and an explicit top_left is refused.
#pragma once

#include "config/expand.hpp"

namespace attnbench {

// Sets the case's align and executed lengths (seq_len new tokens per step, kv_len the initial
// cache); throws InputError (located) for what decode cannot take. The pattern is instantiated
// at the final length by the caller's validation.
void prepare_decode_case(const YamlSource& src, const PatternEntry& entry, Case& c);

// The decode_policy axis away from its default belongs to decode cases only.
void check_decode_policy(const YamlSource& src, const PatternEntry& entry, const Case& c);

}  // namespace attnbench
