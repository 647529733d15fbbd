#include "runner/time_account.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace attnbench {

Json time_account_json(const CellTimes& cells, double wall_s) {
  return Json{{"wall", wall_s},
              {"timed", cells.timed / 1e3},
              {"layout", cells.layout / 1e3},
              {"check", cells.check / 1e3},
              {"setup", cells.setup / 1e3}};
}

std::string time_account_text(const CellTimes& cells, double wall_s) {
  const double timed = cells.timed / 1e3, layout = cells.layout / 1e3;
  const double outside = std::max(wall_s - (cells.setup + cells.check + cells.timed) / 1e3, 0.0);
  std::string text = fmt::format(
      "time: {:.1f} s wall; timed rounds and warm-ups {:.1f} s, layout builds {:.1f} s, checks "
      "{:.1f} s, other setup {:.1f} s, outside the cases {:.1f} s (probes, config, records)",
      wall_s, timed, layout, cells.check / 1e3, (cells.setup - cells.layout) / 1e3, outside);
  if (timed + layout > 0) {
    text += fmt::format("; wall / (timed + layout) = {:.2f}", wall_s / (timed + layout));
  }
  return text + "\n";
}

}  // namespace attnbench
