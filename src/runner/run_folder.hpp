// The results folder of a run. `run` writes only into a folder it created itself, with an
// exclusive mkdir: two runs started in the same second get `<stamp>` and `<stamp>-2`, and
// `--out` naming an existing folder is refused instead of appending a second context and
// duplicate cases to another run. `--resume` is the one way into an existing folder.
#pragma once

#include <optional>
#include <string>

namespace attnbench {

// Creates the run's folder and returns it: `out` when given (its parents are created, the
// folder itself must not exist), else results/<experiment>/<UTC time>, then -2, -3, ... when
// taken, and results/<experiment>/latest then points at it (point_latest). Throws InputError
// naming --out.
std::string create_run_folder(const std::optional<std::string>& out, const std::string& experiment);

// Points `<parent of dir>/latest` at `dir` with a relative symlink, replaced atomically (a
// symlink under a temporary name, renamed over the old one), so a reader never finds `latest`
// missing or half-made. Done when the folder is created, so it follows a run still going; a
// failure is a warning, never the run's end.
void point_latest(const std::string& dir);

// Whether `dir` holds no record yet (no results.jsonl, or an empty one): a run stopped before
// its context was written, which --resume starts afresh in place.
bool holds_no_record(const std::string& dir);

}  // namespace attnbench
