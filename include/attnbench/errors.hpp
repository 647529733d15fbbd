// The error a plugin raises: a bad value for one of its parameters, or a geometry it cannot take.
// The plugin does not know where the value came from; the config loader turns it into an error
// located at the parameter's line and column (exit code 2), and conformance reads it as "not for
// this geometry".
#pragma once

#include <stdexcept>
#include <string>
#include <utility>

namespace attnbench {

class ParamError : public std::invalid_argument {
 public:
  ParamError(std::string param, const std::string& message)
      : std::invalid_argument(message), param_(std::move(param)) {}
  const std::string& param() const { return param_; }

 private:
  std::string param_;
};

}  // namespace attnbench
