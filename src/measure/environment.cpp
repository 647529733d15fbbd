#include "measure/environment.hpp"

#include <unistd.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <memory>
#include <sstream>
#include <thread>

#include "measure/build_id.hpp"

namespace attnbench {

namespace {

const std::vector<std::string> kIsaFlags = {"sse4_2",      "avx",      "avx2",     "fma",
                                            "avx512f",     "avx512bw", "avx512vl", "avx512_vnni",
                                            "avx512_bf16", "amx_tile", "amx_bf16"};

std::string cpuinfo_field(const std::string& field) {
  std::ifstream file("/proc/cpuinfo");
  std::string line;
  while (std::getline(file, line)) {
    if (line.rfind(field, 0) == 0) {
      const std::size_t colon = line.find(':');
      return colon == std::string::npos ? "" : line.substr(colon + 2);
    }
  }
  return "";
}

std::string command_output(const std::string& command) {
  std::unique_ptr<FILE, int (*)(FILE*)> pipe(popen(command.c_str(), "r"), pclose);
  if (!pipe) return "";
  std::array<char, 256> buffer{};
  std::string out;
  while (fgets(buffer.data(), buffer.size(), pipe.get()) != nullptr) out += buffer.data();
  while (!out.empty() && (out.back() == '\n' || out.back() == ' ')) out.pop_back();
  return out;
}

std::string format_time(const char* format) {
  const std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm utc{};
  gmtime_r(&now, &utc);
  std::array<char, 32> text{};
  std::strftime(text.data(), text.size(), format, &utc);
  return text.data();
}

}  // namespace

Environment read_environment() {
  Environment env;
  env.cpu_model = cpuinfo_field("model name");
  std::istringstream flags(cpuinfo_field("flags"));
  std::vector<std::string> present;
  for (std::string flag; flags >> flag;) present.push_back(flag);
  for (const std::string& flag : kIsaFlags) {
    if (std::find(present.begin(), present.end(), flag) != present.end()) {
      env.cpu_flags.push_back(flag);
    }
  }
  env.cores = static_cast<int>(std::thread::hardware_concurrency());
  env.compiler = std::string("g++ ") + __VERSION__;
  env.git_commit = command_output("git -C '" ATTNBENCH_SOURCE_DIR
                                  "' describe --always --dirty --abbrev=12 2>/dev/null");
  if (env.git_commit.empty()) env.git_commit = "unknown";
  std::array<char, 256> host{};
  gethostname(host.data(), host.size());
  env.hostname = host.data();
  env.build_id = executable_build_id();
  return env;
}

std::string utc_timestamp() { return format_time("%Y-%m-%dT%H:%M:%SZ"); }
std::string utc_folder_stamp() { return format_time("%Y%m%dT%H%M%SZ"); }

}  // namespace attnbench
