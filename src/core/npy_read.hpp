// Reading NumPy .npy files (format 1.x and 2.x, C order) of int32 or float32, checked: a wrong
// magic, a truncated header or body, an unsupported dtype, Fortran order or an unexpected shape
// is a NpyError naming the file and what was expected, never a crash or a silent misread.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace attnbench {

class NpyError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct NpyArray {
  std::vector<std::int64_t> shape;
  std::string dtype;  // "<i4" or "<f4"
  std::vector<std::int32_t> ints;
  std::vector<float> floats;
};

// Parses bytes already in memory (the fuzz target's entry point); `name` labels errors.
NpyArray parse_npy(const std::string& bytes, const std::string& name);
NpyArray read_npy(const std::string& path);

// An int32 array of exactly `shape` (a -1 entry matches any size).
std::vector<std::int32_t> read_npy_int32(const std::string& path,
                                         const std::vector<std::int64_t>& shape);

}  // namespace attnbench
