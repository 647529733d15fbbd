// Timed rounds. The executors of one cell run interleaved, one repetition each per round, so a
// burst of load from elsewhere hits all of them alike; rounds go on until every executor has at
// least `repetitions` samples adding up to `min_time_ms`, or `max_repetitions` rounds have run.
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

// `outs[i]` is executor i's output buffer. Warm-ups run first, untimed. A canary on `threads`
// threads runs before the first round, after the last, and between rounds every 2 ms of
// timed work, so that it costs about a tenth of the timed time.
TimedRounds time_interleaved(std::span<Executor* const> executors, const Tensors& inputs,
                             std::span<float* const> outs, const Measurement& measurement,
                             int threads);

// Milliseconds of the steady clock since `start`: the wall-time account (wall_ms) reads it.
double ms_since(std::chrono::steady_clock::time_point start);

// The summary of one executor's samples, the samples themselves included.
LatencyMs latency_of(const std::vector<double>& samples);

// `canary`: the canaries' median over the reference (nullopt: none ran, as in decode).
NoiseFigures noise_of(const LatencyMs& latency, double foreign_cpu, std::optional<double> canary,
                      const Measurement& m);

}  // namespace attnbench
