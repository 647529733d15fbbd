// Loads pattern plugins built as shared libraries (<attnbench/plugin.hpp>) into the registry, after
// checking that they were built against this attnbench's plugin ABI.
#pragma once

#include <string>
#include <vector>

#include <stdexcept>

namespace attnbench {

// Why a plugin was not loaded; the caller says where the request came from (exit code 2).
class PluginError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct LoadedPlugin {
  std::string path;                   // as resolved (absolute)
  std::vector<std::string> patterns;  // the names it registered
};

// Loads the plugin file at `path` (once: a second request for the same file does nothing) and
// registers its patterns. Anything wrong (no such file, not a plugin, another ABI, a pattern
// name taken, a registration that throws) is a PluginError and leaves the registry as it was.
const LoadedPlugin& load_plugin(const std::string& path);

// Every plugin loaded so far, in load order.
const std::vector<LoadedPlugin>& loaded_plugins();

}  // namespace attnbench
