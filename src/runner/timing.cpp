#include "runner/timing.hpp"

#include "runner/signals.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <numeric>

#include "measure/cpu_load.hpp"
#include "measure/machine_probes.hpp"
#include "measure/stats.hpp"

namespace attnbench {

namespace {

using Clock = std::chrono::steady_clock;

double ms_between(Clock::time_point begin, Clock::time_point end) {
  return std::chrono::duration<double, std::milli>(end - begin).count();
}

bool enough(const std::vector<double>& samples, const Measurement& m) {
  if (static_cast<int>(samples.size()) >= m.max_repetitions) return true;
  return static_cast<int>(samples.size()) >= m.repetitions &&
         std::accumulate(samples.begin(), samples.end(), 0.0) >= m.min_time_ms;
}

// The warm-ups, untimed as samples; returns each executor's last warm-up time (0 without one).
std::vector<double> warm_up(std::span<const TimedExecutor> executors) {
  std::vector<double> last(executors.size(), 0.0);
  for (std::size_t i = 0; i < executors.size(); ++i) {
    const TimedExecutor& e = executors[i];
    e.executor->prepare(*e.inputs, e.out);
    for (int w = 0; w < e.measurement->warmup; ++w) {
      abort_case_if_stopping();
      const auto begin = Clock::now();
      e.executor->run(*e.inputs, e.out);
      last[i] = ms_between(begin, Clock::now());
    }
  }
  return last;
}

}  // namespace

int planned_rounds(double run_ms, const Measurement& m) {
  const double for_time = run_ms > 0 ? std::ceil(m.min_time_ms / run_ms) : 0.0;
  const double wanted = std::max(for_time, static_cast<double>(m.repetitions));
  return static_cast<int>(std::clamp(wanted, 1.0, static_cast<double>(m.max_repetitions)));
}

bool runs_in_round(int planned, int total, int round) {
  const auto n = static_cast<std::int64_t>(planned), r = static_cast<std::int64_t>(round);
  auto ceil_div = [total](std::int64_t a) { return (a + total - 1) / total; };
  return ceil_div((r + 1) * n) > ceil_div(r * n);  // a new multiple of total/n begins in round r
}

TimedRounds time_interleaved(std::span<const TimedExecutor> executors, int threads) {
  const std::vector<double> warm = warm_up(executors);
  std::vector<int> planned;
  for (std::size_t i = 0; i < executors.size(); ++i)
    planned.push_back(planned_rounds(warm[i], *executors[i].measurement));
  const int total = *std::max_element(planned.begin(), planned.end());
  TimedRounds result;
  result.samples.resize(executors.size());
  constexpr double kCanaryEveryMs = 2;
  const CpuTimes start = read_cpu_times();
  result.canary_ms.push_back(canary_ms(threads));
  double since_canary = 0;
  for (int round = 0;; ++round) {
    abort_case_if_stopping();  // SIGTERM, SIGHUP: discard the cell at a repetition boundary
    bool ran = false;
    for (std::size_t i = 0; i < executors.size(); ++i) {
      const TimedExecutor& e = executors[i];
      // The planned rounds first; then whoever still lacks samples, every round.
      const bool due = round < total ? runs_in_round(planned[i], total, round)
                                     : !enough(result.samples[i], *e.measurement);
      if (!due) continue;
      const auto begin = Clock::now();
      e.executor->run(*e.inputs, e.out);
      const double ms = ms_between(begin, Clock::now());
      result.samples[i].push_back(ms);
      since_canary += ms;
      ran = true;
    }
    if (!ran && round >= total) break;
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
