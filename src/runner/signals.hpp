// How a sweep reacts to signals. SIGINT (Ctrl-C) lets the running case finish and its record be
// written (a second one stops at once). SIGTERM (Slurm's time limit, SIGKILL follows 30 s later)
// and SIGHUP (a closed terminal) discard the running case at its next repetition boundary, so
// that the views and the resume hint are written within seconds. SIGPIPE is ignored while a
// sweep runs: `attnbench run ... | head` must not kill the sweep when head exits.
#pragma once

#include <atomic>
#include <stdexcept>

namespace attnbench {

// Installs the sweep's handlers for its lifetime and restores the previous ones after.
class SignalScope {
 public:
  SignalScope();
  ~SignalScope();
  SignalScope(const SignalScope&) = delete;
  SignalScope& operator=(const SignalScope&) = delete;
};

// The signal that asked the sweep to stop (SIGINT, SIGTERM, SIGHUP), or 0.
int stop_signal();

// Set by any of those signals: the sweep stops between cells.
const std::atomic<bool>& stop_requested();

// Thrown at a repetition boundary once SIGTERM or SIGHUP arrived: the case is discarded.
class CaseAborted : public std::runtime_error {
 public:
  CaseAborted() : std::runtime_error("the case was stopped by a signal") {}
};

// Throws CaseAborted when the running case must be discarded (SIGTERM, SIGHUP).
void abort_case_if_stopping();

}  // namespace attnbench
