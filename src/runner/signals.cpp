#include "runner/signals.hpp"

#include <atomic>
#include <csignal>

namespace attnbench {

namespace {

std::atomic<int> received{0};
std::atomic<bool> stop{false};

struct sigaction previous_int, previous_term, previous_hup, previous_pipe;

void on_signal(int signal) {
  if (signal == SIGINT) {
    // The first Ctrl-C lets the case finish; a second one stops at once (the default action).
    std::signal(SIGINT, SIG_DFL);
    int none = 0;
    received.compare_exchange_strong(none, SIGINT);
    stop = true;
    return;
  }
  received = signal;  // SIGTERM or SIGHUP overrides a pending SIGINT: stop sooner
  stop = true;
}

void install(int signal, void (*handler)(int), struct sigaction* previous) {
  struct sigaction action {};
  action.sa_handler = handler;
  sigemptyset(&action.sa_mask);
  action.sa_flags = SA_RESTART;
  sigaction(signal, &action, previous);
}

}  // namespace

SignalScope::SignalScope() {
  received = 0;
  stop = false;
  install(SIGINT, on_signal, &previous_int);
  install(SIGTERM, on_signal, &previous_term);
  install(SIGHUP, on_signal, &previous_hup);
  install(SIGPIPE, SIG_IGN, &previous_pipe);
}

SignalScope::~SignalScope() {
  sigaction(SIGINT, &previous_int, nullptr);
  sigaction(SIGTERM, &previous_term, nullptr);
  sigaction(SIGHUP, &previous_hup, nullptr);
  sigaction(SIGPIPE, &previous_pipe, nullptr);
}

int stop_signal() { return received; }

const std::atomic<bool>& stop_requested() { return stop; }

void abort_case_if_stopping() {
  const int signal = received;
  if (signal == SIGTERM || signal == SIGHUP) throw CaseAborted();
}

}  // namespace attnbench
