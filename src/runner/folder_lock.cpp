#include "runner/folder_lock.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "core/errors.hpp"

namespace attnbench {

FolderLock::FolderLock(const std::string& dir) {
  // The results file itself, created empty if need be (which --resume reads as "no record
  // yet"): no lock file beside the views.
  const std::string path = dir + "/results.jsonl";
  fd_ = ::open(path.c_str(), O_RDONLY | O_CREAT | O_CLOEXEC, 0666);
  if (fd_ < 0) {
    throw InputError(
        SourceLocation{dir, 0, 0}, "",
        fmt::format("cannot lock the run folder ({}): {}", path, std::strerror(errno)));
  }
  if (::flock(fd_, LOCK_EX | LOCK_NB) == 0) return;
  const int error = errno;
  ::close(fd_);
  throw InputError(SourceLocation{dir, 0, 0}, "",
                   error == EWOULDBLOCK
                       ? "another attnbench process is writing this run folder; wait for it to "
                         "exit, then --resume"
                       : fmt::format("cannot lock the run folder: {}", std::strerror(error)));
}

FolderLock::~FolderLock() { ::close(fd_); }

}  // namespace attnbench
