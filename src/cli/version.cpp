// `attnbench --version`: what a bug report needs to name the build. The commit is the source
// tree's at build time (cmake/build_commit.cmake), not at run time: the binary may have been
// built from another checkout than the one it now sits in.
#include <fmt/format.h>

#include "cli/build_commit.hpp"
#include "cli/commands.hpp"
#include "core/version.hpp"
#include "exec/onednn_info.hpp"

namespace attnbench {

std::string version_text() {
  const std::string commit = ATTNBENCH_BUILD_COMMIT;
  return fmt::format(
      "attnbench {}\ncommit {}\noneDNN {} (effective ISA {})\nbuilt by g++ {} ({} build)",
      ATTNBENCH_VERSION_STRING, commit.empty() ? "unknown (not built from a git checkout)" : commit,
      onednn_version(), onednn_isa(), __VERSION__, ATTNBENCH_CLI_BUILD_TYPE);
}

}  // namespace attnbench
