// One writer per run folder. A Slurm task requeued while its first attempt still runs, or a
// `--resume` started before the interrupted run has exited (Ctrl-C during the machine probe
// takes seconds to return), would append a second context and duplicate cases to one
// results.jsonl, which then no command reads.
#pragma once

#include <string>

namespace attnbench {

// Holds an exclusive flock on `<dir>/results.jsonl` for its lifetime; the kernel releases it when
// the process ends, however it ends. Throws InputError (exit 2) when another process holds it.
class FolderLock {
 public:
  explicit FolderLock(const std::string& dir);
  ~FolderLock();
  FolderLock(const FolderLock&) = delete;
  FolderLock& operator=(const FolderLock&) = delete;

 private:
  int fd_ = -1;
};

}  // namespace attnbench
