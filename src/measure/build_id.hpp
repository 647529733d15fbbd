// The linker's build ID of the running executable (the GNU .note.gnu.build-id section, a hash of
// the linked output): two runs with the same ID ran the same machine code, so `compare` can tell
// a shift of the machine from a change of the code.
#pragma once

#include <string>

namespace attnbench {

// Lowercase hex, or "" when the executable carries no build ID (linked with --build-id=none).
std::string executable_build_id();

}  // namespace attnbench
