// SplitMix64 (Steele, Lea and Flood 2014): the counter-based mixer behind every generated input,
// the forward ones (exec/problem.cpp), the decode ones made per position (exec/decode_inputs.cpp)
// and the structured input sets (inputs/generators.cpp): one copy, one stream of numbers.
#pragma once

#include <cstdint>

namespace attnbench {

constexpr std::uint64_t splitmix64(std::uint64_t x) {
  x += 0x9e3779b97f4a7c15ull;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
  return x ^ (x >> 31);
}

// The top 24 bits of a mixed word as a float uniform in [-1, 1).
constexpr float uniform_from_bits(std::uint64_t bits) {
  return static_cast<float>(bits >> 40) * 0x1p-23f - 1.0f;
}

}  // namespace attnbench
