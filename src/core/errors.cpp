#include "core/errors.hpp"

#include <fmt/format.h>

namespace attnbench {

static std::string describe(const SourceLocation& where, const std::string& key,
                            const std::string& message) {
  std::string place = where.source;
  if (where.line > 0) place += fmt::format(":{}:{}", where.line, where.column);
  if (key.empty()) return fmt::format("{}: {}", place, message);
  return fmt::format("{}: key '{}': {}", place, key, message);
}

InputError::InputError(SourceLocation where, std::string key, const std::string& message)
    : std::runtime_error(describe(where, key, message)),
      where_(std::move(where)),
      key_(std::move(key)) {}

}  // namespace attnbench
