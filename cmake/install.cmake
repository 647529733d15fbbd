# `cmake --install`: the attnbench binary, the plugin headers and the CMake package with which a
# plugin author writes find_package(attnbench) and attnbench_add_plugin(name name.cpp).
include(CMakePackageConfigHelpers)
set(attnbench_cmake_dir lib/cmake/attnbench)

set_target_properties(attnbench PROPERTIES EXPORT_NAME attnbench)
set_target_properties(attnbench_plugin_api PROPERTIES EXPORT_NAME plugin_api)
install(TARGETS attnbench EXPORT attnbenchTargets RUNTIME DESTINATION bin)
install(TARGETS attnbench_plugin_api EXPORT attnbenchTargets)
install(EXPORT attnbenchTargets NAMESPACE attnbench:: DESTINATION ${attnbench_cmake_dir})

# The plugin API (include/attnbench, <attnbench/plugin.hpp>), its generated version header, and
# the forwarding headers that keep `#include "core/plugin.hpp"` compiling for one release
# (include/attnbench/compat/core, on the installed target's include path).
install(DIRECTORY ${PROJECT_SOURCE_DIR}/include/attnbench DESTINATION include
  FILES_MATCHING PATTERN "*.hpp")
install(FILES ${PROJECT_BINARY_DIR}/src/core/generated/attnbench/version.hpp
  DESTINATION include/attnbench)
install(DIRECTORY ${PROJECT_BINARY_DIR}/src/core/compat/core DESTINATION include/attnbench/compat)

configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/attnbenchConfig.cmake.in
  ${PROJECT_BINARY_DIR}/attnbenchConfig.cmake INSTALL_DESTINATION ${attnbench_cmake_dir})
# A plugin must be rebuilt for another minor version (the plugin ABI may change with it).
write_basic_package_version_file(${PROJECT_BINARY_DIR}/attnbenchConfigVersion.cmake
  COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/attnbenchConfig.cmake
  ${PROJECT_BINARY_DIR}/attnbenchConfigVersion.cmake ${PROJECT_SOURCE_DIR}/cmake/attnbenchPlugin.cmake
  DESTINATION ${attnbench_cmake_dir})
