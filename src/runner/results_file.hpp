// Appends whole lines to results.jsonl: each record is one write(2) of a complete line, flushed
// as the case finishes, so a killed run leaves every finished case and at most one torn line.
#pragma once

#include <string>

#include "results/record.hpp"

namespace attnbench {

class ResultsFile {
 public:
  explicit ResultsFile(const std::string& path);
  ~ResultsFile();
  ResultsFile(const ResultsFile&) = delete;
  ResultsFile& operator=(const ResultsFile&) = delete;

  void append_line(const std::string& line);
  const std::string& path() const { return path_; }
  // Whether the file is still where it was opened (a deleted folder would swallow every record).
  bool still_there() const;

 private:
  int fd_ = -1;
  std::string path_;
};

// A run folder given either as the folder or as its results.jsonl (the path `run` prints at
// the end): the folder. Throws InputError for a path that is neither.
std::string run_folder_of(const std::string& path);

// The records of a run folder (or of its results.jsonl: run_folder_of); a missing or unreadable
// results.jsonl is an InputError naming it.
RunResults load_run_folder(const std::string& dir);

// Cuts a last line without its newline that does not parse (a record torn by a killed process)
// so that appending starts on a fresh line; a last line that parses gets its newline instead.
void truncate_torn_line(const std::string& path);

}  // namespace attnbench
