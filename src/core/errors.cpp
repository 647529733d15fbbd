#include "core/errors.hpp"

#include <fmt/format.h>

namespace attnbench {

// The length of a valid UTF-8 sequence starting at text[i], or 0.
static std::size_t utf8_length(std::string_view text, std::size_t i) {
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
  const unsigned char lead = byte(i);
  const std::size_t n = lead >= 0xF0 && lead <= 0xF4 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC2 ? 2 : 0;
  if (n == 0 || i + n > text.size()) return 0;
  for (std::size_t k = 1; k < n; ++k) {
    if ((byte(i + k) & 0xC0) != 0x80) return 0;
  }
  return n;
}

std::string printable(std::string_view text) {
  std::string out;
  for (std::size_t i = 0; i < text.size();) {
    const auto c = static_cast<unsigned char>(text[i]);
    if ((c >= 0x20 && c < 0x7F) || c == '\n') {
      out += text[i++];
      continue;
    }
    if (const std::size_t n = c >= 0x80 ? utf8_length(text, i) : 0; n > 0) {
      out.append(text.substr(i, n));
      i += n;
      continue;
    }
    out += fmt::format("\\x{:02x}", c);
    ++i;
  }
  return out;
}

static std::string describe(const SourceLocation& where, const std::string& key,
                            const std::string& message) {
  std::string place = where.source;
  if (where.line > 0) place += fmt::format(":{}:{}", where.line, where.column);
  if (key.empty()) return fmt::format("{}: {}", place, message);
  return fmt::format("{}: key '{}': {}", place, key, message);
}

InputError::InputError(SourceLocation where, std::string key, const std::string& message)
    : std::runtime_error(printable(describe(where, key, message))),
      where_(std::move(where)),
      key_(std::move(key)) {}

}  // namespace attnbench
