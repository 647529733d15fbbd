// The two kinds of user error: a bad value for a pattern parameter (ParamError, raised by
// plugins, which do not know where the value came from: the plugin API, <attnbench/errors.hpp>)
// and a located input error (raised by the config loader and the command line, printed by main,
// exit code 2).
#pragma once

#include <attnbench/errors.hpp>

#include <stdexcept>
#include <string>
#include <string_view>

namespace attnbench {

// Where a piece of user input came from: a file position, or a --set override.
struct SourceLocation {
  std::string source;  // a file path, or "--set KEY=VALUE"
  int line = 0;        // 1-based; 0 when unknown
  int column = 0;      // 1-based; 0 when unknown
};

// `text` with control characters and invalid UTF-8 as \xNN: user input is never echoed raw.
std::string printable(std::string_view text);

// Its message is printable(): a config of binary garbage is never echoed raw to the terminal.
class InputError : public std::runtime_error {
 public:
  InputError(SourceLocation where, std::string key, const std::string& message);
  const SourceLocation& where() const { return where_; }
  const std::string& key() const { return key_; }

 private:
  SourceLocation where_;
  std::string key_;
};

}  // namespace attnbench
