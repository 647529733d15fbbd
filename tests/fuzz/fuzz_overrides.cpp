// libFuzzer target: --set arguments applied to a config. The input's lines up to the first empty
// one are --set arguments (KEY=VALUE, a YAML value that may hold anchors and aliases); the rest is
// the config. Every outcome must be a loaded experiment or an InputError.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "config/experiment.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  const std::size_t split = text.find("\n\n");
  std::vector<std::string> sets;
  std::size_t start = 0;
  const std::size_t end = split == std::string::npos ? text.size() : split;
  while (start < end) {
    const std::size_t newline = std::min(text.find('\n', start), end);
    sets.push_back(text.substr(start, newline - start));
    start = newline + 1;
  }
  const std::string config = split == std::string::npos ? "" : text.substr(split + 2);
  try {
    attnbench::load_experiment_text(config, "fuzz.yaml", attnbench::parse_overrides(sets));
  } catch (const attnbench::InputError&) {
  }
  return 0;
}
