// NumPy .npy files (format 1.0): uint8 and int32 arrays, C order, for masks and layouts that a
// researcher loads with numpy.load.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace attnbench {

void write_npy_u8(const std::string& path, const std::vector<std::int64_t>& shape,
                  const std::vector<std::uint8_t>& data);
void write_npy_f32(const std::string& path, const std::vector<std::int64_t>& shape,
                   const std::vector<float>& data);
void write_npy_i32(const std::string& path, const std::vector<std::int64_t>& shape,
                   const std::vector<std::int32_t>& data);

}  // namespace attnbench
