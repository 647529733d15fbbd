// Timed rounds. The executors being timed together (those of one cell, or of several small
// cells: `interleave_cells`) run interleaved, so that a burst of load from elsewhere hits all of
// them alike and each one's samples spread over the whole window: each executor runs in as many
// rounds as it needs for `repetitions` samples adding up to `min_time_ms` (capped at
// `max_repetitions`), estimated from its warm-up and spread evenly over the rounds; rounds go on
// until every executor has enough samples or its `max_repetitions`.
#pragma once

#include <chrono>
#include <optional>
#include <span>
#include <vector>

#include "core/case.hpp"
#include "exec/executor.hpp"
#include "results/record.hpp"

namespace attnbench {

struct TimedRounds {
  std::vector<std::vector<double>> samples;  // per executor, milliseconds, in the order they ran
  double foreign_cpu = 0;                    // share of the cores other processes used meanwhile
  std::vector<double> canary_ms;             // canaries between the rounds (measure/machine_probes)
};

// One executor to time, with its inputs, its output buffer and its case's measurement settings.
struct TimedExecutor {
  Executor* executor;
  const Tensors* inputs;
  float* out;
  const Measurement* measurement;
};

// Warm-ups run first, untimed. A canary on `threads` threads runs before the first round, after
// the last, and between rounds every 2 ms of timed work, so that it costs about a tenth of the
// timed time.
TimedRounds time_interleaved(std::span<const TimedExecutor> executors, int threads);

// The rounds an executor needs, from the time of one run: `repetitions` samples adding up to
// `min_time_ms`, at most `max_repetitions`.
int planned_rounds(double run_ms, const Measurement& m);

// Whether an executor planned for `planned` of `total` rounds runs in round `round` (0-based):
// exactly `planned` of the rounds, evenly spread, the first among them.
bool runs_in_round(int planned, int total, int round);

// Milliseconds of the steady clock since `start`: the wall-time account (wall_ms) reads it.
double ms_since(std::chrono::steady_clock::time_point start);

// The summary of one executor's samples, the samples themselves included.
LatencyMs latency_of(const std::vector<double>& samples);

// `canary`: the canaries' median over the reference (nullopt: none ran, as in decode).
NoiseFigures noise_of(const LatencyMs& latency, double foreign_cpu, std::optional<double> canary,
                      const Measurement& m);

}  // namespace attnbench
