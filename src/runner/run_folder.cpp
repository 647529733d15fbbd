#include "runner/run_folder.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "core/errors.hpp"
#include "measure/environment.hpp"

namespace attnbench {

namespace {

[[noreturn]] void refuse(const std::string& why) {
  throw InputError(SourceLocation{"--out", 0, 0}, "", why);
}

void create_parents(const std::filesystem::path& dir) {
  std::error_code error;
  if (dir.has_parent_path()) std::filesystem::create_directories(dir.parent_path(), error);
  if (error)
    refuse(fmt::format("cannot create {}: {}", dir.parent_path().string(), error.message()));
}

}  // namespace

std::string create_run_folder(const std::optional<std::string>& out,
                              const std::string& experiment) {
  if (out) {
    if (out->empty()) refuse("expected a folder, got ''");
    create_parents(*out);
    if (::mkdir(out->c_str(), 0777) == 0) return *out;
    if (errno == EEXIST) {
      refuse(
          fmt::format("{} already exists{}; give a new folder, or finish that run with "
                      "--resume {}",
                      *out, std::filesystem::is_directory(*out) ? "" : " (not a folder)", *out));
    }
    refuse(fmt::format("cannot create {}: {}", *out, std::strerror(errno)));
  }
  const std::string base = fmt::format("results/{}/{}", experiment, utc_folder_stamp());
  create_parents(base);
  for (int attempt = 1;; ++attempt) {
    std::string dir = attempt == 1 ? base : fmt::format("{}-{}", base, attempt);
    if (::mkdir(dir.c_str(), 0777) == 0) {
      point_latest(dir);
      return dir;
    }
    if (errno != EEXIST) refuse(fmt::format("cannot create {}: {}", dir, std::strerror(errno)));
  }
}

void point_latest(const std::string& dir) {
  const std::filesystem::path run(dir);
  const std::filesystem::path latest = run.parent_path() / "latest";
  // Unique per process: two runs starting together must not share the temporary name.
  const std::filesystem::path temporary =
      run.parent_path() / fmt::format(".latest-{}", static_cast<long>(::getpid()));
  std::error_code error;
  std::filesystem::remove(temporary, error);
  std::filesystem::create_directory_symlink(run.filename(), temporary, error);
  if (!error) std::filesystem::rename(temporary, latest, error);
  if (error) {
    spdlog::warn("cannot point {} at {}: {}", latest.string(), run.filename().string(),
                 error.message());
    std::filesystem::remove(temporary, error);
  }
}

bool holds_no_record(const std::string& dir) {
  const std::filesystem::path file = std::filesystem::path(dir) / "results.jsonl";
  std::error_code error;
  return !std::filesystem::exists(file, error) || std::filesystem::file_size(file, error) == 0;
}

}  // namespace attnbench
