#include "report/npy.hpp"

#include <fmt/format.h>

#include <fstream>
#include <stdexcept>

namespace attnbench {

static void write_npy(const std::string& path, const char* descr,
                      const std::vector<std::int64_t>& shape, const char* data, std::size_t bytes) {
  std::string dims;
  for (std::int64_t d : shape) dims += fmt::format("{}, ", d);
  if (shape.size() > 1) dims.erase(dims.size() - 2);
  if (shape.size() == 1) dims.pop_back();
  std::string header =
      fmt::format("{{'descr': '{}', 'fortran_order': False, 'shape': ({}), }}", descr, dims);
  const std::size_t total = 10 + header.size() + 1;
  header += std::string((64 - total % 64) % 64, ' ') + "\n";
  std::ofstream file(path, std::ios::binary | std::ios::trunc);
  const auto header_len = static_cast<std::uint16_t>(header.size());
  file.write("\x93NUMPY\x01\x00", 8);
  file.put(static_cast<char>(header_len & 0xff));
  file.put(static_cast<char>(header_len >> 8));
  file << header;
  file.write(data, static_cast<std::streamsize>(bytes));
  if (!file) throw std::runtime_error("cannot write " + path);
}

void write_npy_u8(const std::string& path, const std::vector<std::int64_t>& shape,
                  const std::vector<std::uint8_t>& data) {
  write_npy(path, "|u1", shape, reinterpret_cast<const char*>(data.data()), data.size());
}

void write_npy_f32(const std::string& path, const std::vector<std::int64_t>& shape,
                   const std::vector<float>& data) {
  write_npy(path, "<f4", shape, reinterpret_cast<const char*>(data.data()), data.size() * 4);
}

void write_npy_i32(const std::string& path, const std::vector<std::int64_t>& shape,
                   const std::vector<std::int32_t>& data) {
  write_npy(path, "<i4", shape, reinterpret_cast<const char*>(data.data()), data.size() * 4);
}

}  // namespace attnbench
