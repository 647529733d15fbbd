// libFuzzer target: any bytes as a config. Every outcome must be a loaded experiment or an
// InputError; anything else (a crash, a sanitizer report, another exception) is a finding.
#include <cstddef>
#include <cstdint>
#include <string>

#include "config/experiment.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  try {
    attnbench::load_experiment_text(std::string(reinterpret_cast<const char*>(data), size),
                                    "fuzz.yaml", {});
  } catch (const attnbench::InputError&) {
  }
  return 0;
}
