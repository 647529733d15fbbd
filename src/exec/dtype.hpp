// The storage type of Q, K, V and O (CaseKey::dtype) as the executors see it: element sizes,
// the round-to-nearest-even conversions to and from bf16, the inputs rounded once outside any
// timed region, the check's default tolerance per type, and whether oneDNN runs bf16 natively.
#pragma once

#include <bit>
#include <cstdint>
#include <optional>
#include <string>

#include "core/case_key.hpp"

namespace attnbench {

struct Tensors;

inline std::size_t element_bytes(DataType dtype) { return dtype == DataType::kBf16 ? 2 : 4; }

// Round to nearest even, NaN kept quiet: what oneDNN's reorder and vcvtneps2bf16 do.
inline std::uint16_t to_bf16(float value) {
  const auto bits = std::bit_cast<std::uint32_t>(value);
  const std::uint32_t rounded = (bits + 0x7fffu + ((bits >> 16) & 1u)) >> 16;
  const std::uint32_t quiet_nan = (bits >> 16) | 0x40u;
  // A ternary, not an early return, so that the loops calling it vectorise.
  return static_cast<std::uint16_t>((bits & 0x7fffffffu) > 0x7f800000u ? quiet_nan : rounded);
}
inline float from_bf16(std::uint16_t value) {
  return std::bit_cast<float>(static_cast<std::uint32_t>(value) << 16);
}

// For bf16: fills the tensors' bf16 copies and rounds their f32 values to the same numbers, so
// that the reference (and a content-dependent pattern) reads exactly what the executor reads and
// the check measures the executor, not the rounding of its inputs. Nothing for f32.
void round_inputs(Tensors& tensors, DataType dtype);

// The check's threshold on the max abs error when the config gives no `tolerance`:
// f32: 1e-4; bf16: 1e-2 x the largest |O| of the reference rows checked (bf16 keeps 8 bits of
// mantissa: O itself is rounded by up to 2^-9 of its value, the probabilities likewise).
double default_tolerance(DataType dtype, double max_reference);
inline double tolerance_for(DataType dtype, std::optional<double> given, double max_reference) {
  return given ? *given : default_tolerance(dtype, max_reference);
}

// bf16 runs natively when that ISA is at least avx512_core_bf16; elsewhere oneDNN emulates it.
bool native_bf16();
// oneDNN has bf16 kernels at all (native or emulated): from avx512_core.
bool bf16_available();
// A case in this dtype on this machine is emulated (bf16 without native support).
inline bool emulated(DataType dtype) { return dtype == DataType::kBf16 && !native_bf16(); }

}  // namespace attnbench
