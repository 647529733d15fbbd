# attnbench_add_plugin(<name> <source>... [NO_CONFORMANCE_TEST])
#
# Builds the pattern plugin <name>.so from its sources (usually one .cpp ending with
# ATTNBENCH_PLUGIN { ... }), which `attnbench --plugin <name>.so` or `plugins: [<name>.so]` in a
# config loads. Unless NO_CONFORMANCE_TEST is given, also adds the CTest test
# <name>_conformance: `attnbench conformance --plugin <name>.so`, the checks attnbench's own
# patterns pass.
function(attnbench_add_plugin name)
  cmake_parse_arguments(PARSE_ARGV 1 arg "NO_CONFORMANCE_TEST" "" "")
  if(NOT arg_UNPARSED_ARGUMENTS)
    message(FATAL_ERROR "attnbench_add_plugin(${name}): give the plugin's source file(s)")
  endif()
  add_library(${name} MODULE ${arg_UNPARSED_ARGUMENTS})
  target_link_libraries(${name} PRIVATE attnbench::plugin_api)
  # Only the two ATTNBENCH_PLUGIN entry points are exported; the core's symbols come from the
  # attnbench executable that loads the plugin.
  set_target_properties(${name} PROPERTIES
    PREFIX ""
    CXX_VISIBILITY_PRESET hidden
    VISIBILITY_INLINES_HIDDEN ON)
  if(NOT arg_NO_CONFORMANCE_TEST)
    add_test(NAME ${name}_conformance
      COMMAND $<TARGET_FILE:attnbench::attnbench> conformance --plugin $<TARGET_FILE:${name}>)
  endif()
endfunction()
