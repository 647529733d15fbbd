#include "runner/timing.hpp"

#include "runner/signals.hpp"

#include <chrono>
#include <numeric>

#include "measure/cpu_load.hpp"
#include "measure/machine_probes.hpp"
#include "measure/stats.hpp"

namespace attnbench {

namespace {

bool enough(const std::vector<std::vector<double>>& samples, const Measurement& m) {
  for (const std::vector<double>& s : samples) {
    if (static_cast<int>(s.size()) < m.repetitions) return false;
    if (std::accumulate(s.begin(), s.end(), 0.0) < m.min_time_ms) return false;
  }
  return true;
}

}  // namespace

TimedRounds time_interleaved(std::span<Executor* const> executors, const Tensors& inputs,
                             std::span<float* const> outs, const Measurement& m, int threads) {
  using Clock = std::chrono::steady_clock;
  for (std::size_t i = 0; i < executors.size(); ++i) executors[i]->prepare(inputs, outs[i]);
  for (int w = 0; w < m.warmup; ++w) {
    abort_case_if_stopping();
    for (std::size_t i = 0; i < executors.size(); ++i) executors[i]->run(inputs, outs[i]);
  }
  TimedRounds result;
  result.samples.resize(executors.size());
  constexpr double kCanaryEveryMs = 2;
  const CpuTimes start = read_cpu_times();
  result.canary_ms.push_back(canary_ms(threads));
  double since_canary = 0;
  for (int round = 0; round < m.max_repetitions && !enough(result.samples, m); ++round) {
    abort_case_if_stopping();  // SIGTERM, SIGHUP: discard the cell at a repetition boundary
    for (std::size_t i = 0; i < executors.size(); ++i) {
      const auto begin = Clock::now();
      executors[i]->run(inputs, outs[i]);
      const double ms = std::chrono::duration<double, std::milli>(Clock::now() - begin).count();
      result.samples[i].push_back(ms);
      since_canary += ms;
    }
    if (since_canary >= kCanaryEveryMs) {
      result.canary_ms.push_back(canary_ms(threads));
      since_canary = 0;
    }
  }
  if (since_canary > 0) result.canary_ms.push_back(canary_ms(threads));
  result.foreign_cpu = foreign_cpu_share(start, read_cpu_times());
  return result;
}

double ms_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
      .count();
}

LatencyMs latency_of(const std::vector<double>& samples) {
  const TimingSummary s = summarize(samples);
  return LatencyMs{s.median, s.min,         s.max,   s.mean,
                   s.stddev, s.repetitions, samples, s.mean > 0 ? s.stddev / s.mean : 0.0};
}

NoiseFigures noise_of(const LatencyMs& latency, double foreign_cpu, std::optional<double> canary,
                      const Measurement& m) {
  const bool slowed = canary && *canary > 1 + m.noisy_canary;
  return NoiseFigures{latency.cv, foreign_cpu, canary,
                      latency.cv > m.noisy_cv || foreign_cpu > m.noisy_foreign || slowed};
}

}  // namespace attnbench
