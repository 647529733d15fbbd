# Writes OUT, a header defining ATTNBENCH_BUILD_COMMIT: the source tree's commit at build time
# (`git describe --always --dirty`), or "" outside a git checkout or without git. Run at every
# build by the attnbench_build_commit target; the file is rewritten only when the text changes,
# so an unchanged commit recompiles nothing.
#   cmake -DSOURCE_DIR=... -DOUT=... [-DGIT=...] -P build_commit.cmake
set(commit "")
if(GIT)
  execute_process(COMMAND ${GIT} -C ${SOURCE_DIR} describe --always --dirty --abbrev=12
    OUTPUT_VARIABLE commit OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET RESULT_VARIABLE failed)
  if(failed)
    set(commit "")
  endif()
endif()
set(text "// Generated at build time by cmake/build_commit.cmake; not in the repository.\n")
string(APPEND text "#pragma once\n#define ATTNBENCH_BUILD_COMMIT \"${commit}\"\n")
set(old "")
if(EXISTS ${OUT})
  file(READ ${OUT} old)
endif()
if(NOT old STREQUAL text)
  file(WRITE ${OUT} "${text}")
endif()
