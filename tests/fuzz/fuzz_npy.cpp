// libFuzzer target: any bytes as a .npy file. Every outcome must be a parsed array or an
// NpyError.
#include <cstddef>
#include <cstdint>
#include <string>

#include "core/npy_read.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  try {
    attnbench::parse_npy(std::string(reinterpret_cast<const char*>(data), size), "fuzz.npy");
  } catch (const attnbench::NpyError&) {
  }
  return 0;
}
