// A plugin as if built against a future attnbench whose plugin ABI is 999: attnbench must refuse
// it before calling any of its C++ (its registration aborts the process if reached).
#include <cstdlib>

#include "core/plugin.hpp"

extern "C" __attribute__((visibility("default"))) const attnbench_plugin_abi*
ATTNBENCH_PLUGIN_ABI_FUNCTION() {
  static const attnbench_plugin_abi kAbi = {999, attnbench::plugin_layout_fingerprint(), 1,
                                            "9.9.9"};
  return &kAbi;
}

extern "C" __attribute__((visibility("default"))) void ATTNBENCH_PLUGIN_REGISTER_FUNCTION() {
  std::abort();
}
