#include "core/plugin_loader.hpp"

#include <dlfcn.h>
#include <fmt/format.h>

#include <filesystem>

#include <attnbench/plugin.hpp>

#include "core/registry.hpp"

namespace attnbench {

namespace {

#define ATTNBENCH_SYMBOL_NAME(name) ATTNBENCH_SYMBOL_STRING(name)
#define ATTNBENCH_SYMBOL_STRING(name) #name
constexpr const char* kAbiSymbol = ATTNBENCH_SYMBOL_NAME(ATTNBENCH_PLUGIN_ABI_FUNCTION);
constexpr const char* kRegisterSymbol = ATTNBENCH_SYMBOL_NAME(ATTNBENCH_PLUGIN_REGISTER_FUNCTION);

std::vector<LoadedPlugin>& plugins() {
  static std::vector<LoadedPlugin> loaded;
  return loaded;
}

// The reason a plugin built for `theirs` cannot run in this attnbench, or empty.
std::string abi_mismatch(const attnbench_plugin_abi& theirs) {
  const attnbench_plugin_abi ours = current_plugin_abi();
  if (theirs.abi_version != ours.abi_version) {
    return fmt::format("it was built against plugin ABI {}, this attnbench {} has plugin ABI {}",
                       theirs.abi_version, ours.attnbench_version, ours.abi_version);
  }
  if (theirs.layout_fingerprint != ours.layout_fingerprint) {
    // Same ABI version, so the record's layout is ours and its version string can be read.
    return fmt::format(
        "it was built against attnbench {}, whose plugin types have another layout (fingerprint "
        "{:08x}, this attnbench {} {:08x}) under the same plugin ABI {}",
        theirs.attnbench_version, theirs.layout_fingerprint, ours.attnbench_version,
        ours.layout_fingerprint, ours.abi_version);
  }
  if (theirs.cxx11_string_abi != ours.cxx11_string_abi) {
    return fmt::format("it was compiled with _GLIBCXX_USE_CXX11_ABI={}, this attnbench with {}",
                       theirs.cxx11_string_abi, ours.cxx11_string_abi);
  }
  return {};
}

// What the exception being handled says, whatever its type.
std::string in_flight_message() {
  try {
    throw;
  } catch (const std::exception& e) {
    return e.what();
  } catch (...) {
    return "its registration threw something other than a std::exception";
  }
}

template <typename Function>
Function find_symbol(void* handle, const char* name) {
  return reinterpret_cast<Function>(dlsym(handle, name));
}

// Registers the plugin's patterns once its ABI is checked. The handle stays open for as long as
// the process runs: the registry holds the plugin's code (and a refused plugin's static objects
// may have registered exit handlers).
LoadedPlugin register_from(void* handle, const std::string& origin) {
  using AbiFunction = const attnbench_plugin_abi* (*)();
  using RegisterFunction = void (*)();
  const auto abi = find_symbol<AbiFunction>(handle, kAbiSymbol);
  const auto register_patterns = find_symbol<RegisterFunction>(handle, kRegisterSymbol);
  if (abi == nullptr || register_patterns == nullptr) {
    throw std::invalid_argument(
        fmt::format("it is not an attnbench plugin: it does not export {} and {} (end the plugin "
                    "with ATTNBENCH_PLUGIN {{ ... }} from <attnbench/plugin.hpp>)",
                    kAbiSymbol, kRegisterSymbol));
  }
  const attnbench_plugin_abi& theirs = *abi();
  if (const std::string why = abi_mismatch(theirs); !why.empty()) {
    throw std::invalid_argument(
        fmt::format("{}; rebuild it against this attnbench (find_package(attnbench))", why));
  }
  register_patterns();
  LoadedPlugin plugin{origin, {}};
  for (const PatternInfo* info : all_patterns()) {
    if (info->origin == origin) plugin.patterns.push_back(info->name);
  }
  if (plugin.patterns.empty()) throw std::invalid_argument("it registered no pattern");
  return plugin;
}

}  // namespace

const LoadedPlugin& load_plugin(const std::string& path) {
  std::error_code error;
  const std::string resolved = std::filesystem::canonical(path, error).string();
  if (error) throw PluginError(fmt::format("no plugin file {}", path));
  for (const LoadedPlugin& plugin : plugins()) {
    if (plugin.path == resolved) return plugin;
  }
  // Registrations made while loading, even from a plugin's static initialisers, are attributed
  // to it, so that a refusal can take them back.
  const RegistrationOrigin scope(resolved);
  // RTLD_NOW: a symbol the plugin needs and this attnbench lacks fails here, not mid-run.
  void* handle = dlopen(resolved.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (handle == nullptr) {
    throw PluginError(fmt::format("cannot load plugin {}: {}", path, dlerror()));
  }
  try {
    plugins().push_back(register_from(handle, resolved));
  } catch (...) {
    unregister_patterns_from(resolved);
    throw PluginError(fmt::format("plugin {} refused: {}", path, in_flight_message()));
  }
  return plugins().back();
}

const std::vector<LoadedPlugin>& loaded_plugins() { return plugins(); }

}  // namespace attnbench
