#include "core/case.hpp"

#include <fmt/format.h>

namespace attnbench {

std::string PatternSpec::text() const {
  if (!parts.empty()) {
    std::string inner;
    for (std::size_t i = 0; i < parts.size(); ++i) {
      if (i > 0) inner += '|';
      if (!head_counts.empty()) inner += fmt::format("{}x", head_counts[i]);
      inner += parts[i].text();
    }
    return fmt::format("{}({})", name, inner);
  }
  std::string values;
  for (const std::string& param : param_order) {
    if (!values.empty()) values += ',';
    values += param + '=' + format_value(params.at(param));
  }
  return name + ':' + values;
}

}  // namespace attnbench
