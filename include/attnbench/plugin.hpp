// The one header an out-of-tree pattern plugin includes, as <attnbench/plugin.hpp>: it brings in
// the whole plugin API (every header of include/attnbench). A plugin is a shared library built
// from a single .cpp (CMake: find_package(attnbench) and attnbench_add_plugin); it ends with
//
//   ATTNBENCH_PLUGIN {
//     attnbench::register_pattern({.name = "my_pattern", ...});
//   }
//
// which exports two C functions: one that tells attnbench which ABI the plugin was built against
// and one that registers its patterns. attnbench calls the second only after checking the first,
// so a plugin built against an incompatible attnbench is refused before any of its C++ runs.
#pragma once

#include <cstddef>
#include <cstdint>

#include <attnbench/common_params.hpp>
#include <attnbench/content_pattern.hpp>
#include <attnbench/errors.hpp>
#include <attnbench/interval_pattern.hpp>
#include <attnbench/registry.hpp>
#include <attnbench/replay.hpp>
#include <attnbench/version.hpp>

// Raised whenever a type a plugin shares with attnbench (Pattern and its virtual functions,
// PatternInfo, ParamSpec, ParamValues, the interval helpers) changes layout or meaning.
// 3: Pattern::decode_keep (a virtual function: the vtable changed, no size did).
// 4: ParamType::kIntOrList (a plugin that declares one would fail on an older attnbench only
//    when a config sets it; the version refuses it at load instead).
// 5: the API moved to <attnbench/...> (include/attnbench); the Λ-mask helpers and the registry's
//    look-ups left it; read_replay is its own API function (<attnbench/replay.hpp>);
//    PatternInfo::square_only.
#define ATTNBENCH_PLUGIN_ABI_VERSION 5

extern "C" {
// Plain C, so that the check itself cannot depend on the layouts it checks. abi_version stays
// the first field in every version, so that any attnbench can read any plugin's.
struct attnbench_plugin_abi {
  std::uint32_t abi_version;         // ATTNBENCH_PLUGIN_ABI_VERSION
  std::uint32_t layout_fingerprint;  // the shared types' sizes: catches a forgotten bump
  std::uint32_t cxx11_string_abi;    // libstdc++'s std::string ABI (_GLIBCXX_USE_CXX11_ABI)
  const char* attnbench_version;     // for the message only
};
}

namespace attnbench {

constexpr std::uint32_t plugin_layout_fingerprint() {
  std::uint32_t h = 2166136261u;  // FNV-1a over the sizes
  for (std::size_t size :
       {sizeof(Geometry), sizeof(TileRect), sizeof(KeyRange), sizeof(Pattern),
        sizeof(IntervalPattern), sizeof(PatternInfo), sizeof(ParamSpec), sizeof(ParamValue),
        sizeof(ParamValues), sizeof(Intervals), sizeof(Pattern::SideCost)}) {
    h = (h ^ static_cast<std::uint32_t>(size)) * 16777619u;
  }
  return h;
}

constexpr attnbench_plugin_abi current_plugin_abi() {
#ifdef _GLIBCXX_USE_CXX11_ABI
  constexpr std::uint32_t kStringAbi = _GLIBCXX_USE_CXX11_ABI;
#else
  constexpr std::uint32_t kStringAbi = 0;
#endif
  return {ATTNBENCH_PLUGIN_ABI_VERSION, plugin_layout_fingerprint(), kStringAbi,
          ATTNBENCH_VERSION_STRING};
}

}  // namespace attnbench

// The exported names; the loader looks them up as strings.
#define ATTNBENCH_PLUGIN_ABI_FUNCTION attnbench_plugin_abi_of_this_plugin
#define ATTNBENCH_PLUGIN_REGISTER_FUNCTION attnbench_plugin_register_patterns

#define ATTNBENCH_PLUGIN                                                          \
  extern "C" __attribute__((visibility("default"))) const attnbench_plugin_abi*   \
  ATTNBENCH_PLUGIN_ABI_FUNCTION() {                                               \
    static constexpr attnbench_plugin_abi kAbi = attnbench::current_plugin_abi(); \
    return &kAbi;                                                                 \
  }                                                                               \
  extern "C" __attribute__((visibility("default"))) void ATTNBENCH_PLUGIN_REGISTER_FUNCTION()
