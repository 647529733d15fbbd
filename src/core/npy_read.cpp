#include "core/npy_read.hpp"

#include <fmt/format.h>

#include <cstring>
#include <fstream>
#include <sstream>

namespace attnbench {

namespace {

// The value of `key` in the header dict, e.g. 'descr': '<i4' -> <i4.
std::string dict_value(const std::string& header, const std::string& key, const std::string& name) {
  const std::size_t at = header.find("'" + key + "'");
  const std::size_t colon = at == std::string::npos ? at : header.find(':', at);
  if (colon == std::string::npos)
    throw NpyError(fmt::format("{}: the header has no '{}'", name, key));
  std::size_t start = header.find_first_not_of(' ', colon + 1);
  if (start == std::string::npos) throw NpyError(fmt::format("{}: truncated header", name));
  const char open = header[start];
  const char close = open == '(' ? ')' : open == '\'' ? '\'' : ',';
  const std::size_t end = header.find(close, start + 1);
  if (end == std::string::npos)
    throw NpyError(fmt::format("{}: malformed header value for '{}'", name, key));
  return open == '(' || open == '\'' ? header.substr(start + 1, end - start - 1)
                                     : header.substr(start, end - start);
}

std::vector<std::int64_t> parse_shape(const std::string& text, const std::string& name) {
  std::vector<std::int64_t> shape;
  std::stringstream in(text);
  std::string item;
  while (std::getline(in, item, ',')) {
    const std::size_t first = item.find_first_not_of(' ');
    if (first == std::string::npos) continue;
    std::int64_t value = 0;
    try {
      std::size_t used = 0;
      value = std::stoll(item.substr(first), &used);
      if (item.find_first_not_of(' ', first + used) != std::string::npos)
        throw std::invalid_argument("");
    } catch (const std::exception&) {
      throw NpyError(fmt::format("{}: bad shape entry '{}'", name, item));
    }
    if (value < 0 || value > (std::int64_t{1} << 40))
      throw NpyError(fmt::format("{}: shape entry {} out of range", name, value));
    shape.push_back(value);
  }
  return shape;
}

}  // namespace

NpyArray parse_npy(const std::string& bytes, const std::string& name) {
  if (bytes.size() < 10 || bytes.compare(0, 6, "\x93NUMPY") != 0) {
    throw NpyError(fmt::format("{}: not a .npy file (bad magic)", name));
  }
  const auto major = static_cast<unsigned char>(bytes[6]);
  std::size_t header_len = 0, offset = 0;
  if (major == 1) {
    header_len = static_cast<unsigned char>(bytes[8]) |
                 static_cast<std::size_t>(static_cast<unsigned char>(bytes[9])) << 8;
    offset = 10;
  } else if (major == 2 || major == 3) {
    if (bytes.size() < 12) throw NpyError(fmt::format("{}: truncated header", name));
    for (int i = 3; i >= 0; --i)
      header_len =
          header_len << 8 | static_cast<unsigned char>(bytes[8 + static_cast<std::size_t>(i)]);
    offset = 12;
  } else {
    throw NpyError(fmt::format("{}: unsupported .npy version {}", name, major));
  }
  if (header_len > bytes.size() - offset) throw NpyError(fmt::format("{}: truncated header", name));
  const std::string header = bytes.substr(offset, header_len);
  NpyArray array;
  array.dtype = dict_value(header, "descr", name);
  if (dict_value(header, "fortran_order", name).find("False") == std::string::npos) {
    throw NpyError(
        fmt::format("{}: Fortran order is not supported (save a C-ordered array)", name));
  }
  array.shape = parse_shape(dict_value(header, "shape", name), name);
  std::int64_t count = 1;
  for (std::int64_t d : array.shape) {
    if (d != 0 && count > (std::int64_t{1} << 40) / d)
      throw NpyError(fmt::format("{}: the array is too large", name));
    count *= d;
  }
  if (array.dtype != "<i4" && array.dtype != "<f4") {
    throw NpyError(
        fmt::format("{}: dtype {} is not supported (expected int32 '<i4' or float32 '<f4')", name,
                    array.dtype));
  }
  const std::size_t body = offset + header_len, need = static_cast<std::size_t>(count) * 4;
  if (bytes.size() - body != need) {
    throw NpyError(fmt::format("{}: expected {} bytes of data for shape ({}), found {}", name, need,
                               fmt::join(array.shape, ", "), bytes.size() - body));
  }
  if (array.dtype == "<i4") {
    array.ints.resize(static_cast<std::size_t>(count));
    if (need) std::memcpy(array.ints.data(), bytes.data() + body, need);
  } else {
    array.floats.resize(static_cast<std::size_t>(count));
    if (need) std::memcpy(array.floats.data(), bytes.data() + body, need);
  }
  return array;
}

NpyArray read_npy(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) throw NpyError(fmt::format("{}: cannot open", path));
  std::stringstream bytes;
  bytes << file.rdbuf();
  return parse_npy(bytes.str(), path);
}

std::vector<std::int32_t> read_npy_int32(const std::string& path,
                                         const std::vector<std::int64_t>& shape) {
  NpyArray array = read_npy(path);
  if (array.dtype != "<i4")
    throw NpyError(fmt::format("{}: expected int32, found {}", path, array.dtype));
  bool match = array.shape.size() == shape.size();
  for (std::size_t i = 0; match && i < shape.size(); ++i)
    match = shape[i] < 0 || shape[i] == array.shape[i];
  if (!match) {
    throw NpyError(fmt::format("{}: expected shape ({}), found ({})", path, fmt::join(shape, ", "),
                               fmt::join(array.shape, ", ")));
  }
  return std::move(array.ints);
}

}  // namespace attnbench
