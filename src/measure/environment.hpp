// Facts about the machine and the build that make a result reproducible: they go into the
// context line of every results.jsonl.
#pragma once

#include <string>
#include <vector>

namespace attnbench {

struct Environment {
  std::string cpu_model;
  std::vector<std::string> cpu_flags;  // the vector ISA flags that matter here
  int cores = 0;
  std::string compiler;
  std::string git_commit;
  std::string hostname;
  std::string build_id;  // of the running executable (measure/build_id.hpp)
};

Environment read_environment();

// UTC time now as 2026-11-28T14:33:11Z, and as a folder-safe 20261128T143311Z.
std::string utc_timestamp();
std::string utc_folder_stamp();

}  // namespace attnbench
