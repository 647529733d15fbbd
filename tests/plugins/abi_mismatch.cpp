// A plugin as if built against a future attnbench whose plugin ABI is 999 or, with
// LAYOUT_MISMATCH, one that changed a shared type's size without raising the ABI version:
// attnbench must refuse it before calling any of its C++ (its registration aborts if reached).
#include <cstdlib>

#include <attnbench/plugin.hpp>

extern "C" __attribute__((visibility("default"))) const attnbench_plugin_abi*
ATTNBENCH_PLUGIN_ABI_FUNCTION() {
#ifdef LAYOUT_MISMATCH
  static const attnbench_plugin_abi kAbi = {ATTNBENCH_PLUGIN_ABI_VERSION,
                                            attnbench::plugin_layout_fingerprint() + 1, 1,
                                            ATTNBENCH_VERSION_STRING};
#else
  static const attnbench_plugin_abi kAbi = {999, attnbench::plugin_layout_fingerprint(), 1,
                                            "9.9.9"};
#endif
  return &kAbi;
}

extern "C" __attribute__((visibility("default"))) void ATTNBENCH_PLUGIN_REGISTER_FUNCTION() {
  std::abort();
}
