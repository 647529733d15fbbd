#include "runner/results_file.hpp"

#include "core/errors.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <stdexcept>

namespace attnbench {

ResultsFile::ResultsFile(const std::string& path) : path_(path) {
  fd_ = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd_ < 0) throw std::runtime_error("cannot open " + path + ": " + std::strerror(errno));
}

ResultsFile::~ResultsFile() {
  if (fd_ >= 0) ::close(fd_);
}

void ResultsFile::append_line(const std::string& line) {
  const std::string whole = line + "\n";
  std::size_t written = 0;
  while (written < whole.size()) {
    const ssize_t n = ::write(fd_, whole.data() + written, whole.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) throw std::runtime_error("cannot write " + path_ + ": " + std::strerror(errno));
    written += static_cast<std::size_t>(n);
  }
  ::fdatasync(fd_);
}

bool ResultsFile::still_there() const {
  std::error_code error;
  return std::filesystem::exists(path_, error);
}

std::string run_folder_of(const std::string& path) {
  const std::filesystem::path given(path);
  std::error_code error;
  if (std::filesystem::is_directory(given, error)) return path;
  if (given.filename() == "results.jsonl" && std::filesystem::is_regular_file(given, error)) {
    return given.has_parent_path() ? given.parent_path().string() : std::string(".");
  }
  throw InputError(SourceLocation{path, 0, 0}, "",
                   std::filesystem::exists(given, error)
                       ? "expected a run folder or its results.jsonl"
                       : "no such run folder or results.jsonl");
}

RunResults load_run_folder(const std::string& given) {
  const std::string dir = run_folder_of(given);
  const std::string path = dir + "/results.jsonl";
  if (!std::filesystem::exists(path))
    throw InputError(SourceLocation{dir, 0, 0}, "", "no results.jsonl in this folder");
  try {
    return read_results(path);
  } catch (const std::runtime_error& e) {
    throw InputError(SourceLocation{path, 0, 0}, "", e.what());
  }
}

void truncate_torn_line(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (text.empty() || text.back() == '\n') return;
  const std::size_t start = text.rfind('\n') == std::string::npos ? 0 : text.rfind('\n') + 1;
  if (Json::accept(std::string_view(text).substr(start))) {  // complete, only the newline lost
    ResultsFile(path).append_line("");
    return;
  }
  const std::size_t keep = start;
  if (::truncate(path.c_str(), static_cast<off_t>(keep)) != 0) {
    throw std::runtime_error("cannot truncate " + path + ": " + std::strerror(errno));
  }
}

}  // namespace attnbench
