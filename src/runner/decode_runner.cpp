#include "runner/decode_runner.hpp"

#include <fmt/format.h>

#include <chrono>
#include <numeric>

#include "core/cache_policy.hpp"
#include "core/composite.hpp"
#include "core/errors.hpp"
#include "core/layout_bound.hpp"
#include "exec/decode.hpp"
#include "exec/decode_reference.hpp"
#include "exec/dtype.hpp"
#include "measure/cpu_load.hpp"
#include "measure/memory.hpp"
#include "runner/signals.hpp"
#include "runner/timing.hpp"

namespace attnbench {

namespace {

// What the cell's executors share: the pattern at absolute positions, the plan they follow,
// the pattern the check reads (the re-computation window's, for recompute) and the inputs.
struct DecodeCell {
  DecodeShape shape;
  std::unique_ptr<Pattern> pattern, window;
  DecodePlan plan;
  std::unique_ptr<DecodeInputs> inputs;
  const Pattern& checked() const { return window ? *window : *pattern; }
};

void skip_all(std::span<CaseRecord> records, const std::string& why) {
  for (CaseRecord& r : records) {
    r.status = CaseStatus::kSkipped;
    r.message = why;
  }
}

// The cell's pattern and plan, or why it cannot decode.
std::optional<std::string> plan_cell(const Case& c, DecodeCell& cell) {
  const DecodeShape& s = cell.shape;
  const Index n = s.final_length();
  try {
    cell.pattern = instantiate(c.pattern, n, n, c.heads());
  } catch (const ParamError& e) {
    return fmt::format("the pattern cannot decode to length {}: {}", n, e.what());
  }
  if (auto why = decode_skip_reason(c.pattern, *cell.pattern)) return why;
  prepare_decode_pattern(*cell.pattern, s, c.key.head_dim, c.measurement.seed);
  cell.plan = plan_decode(*cell.pattern, s);
  if (c.key.decode_policy == DecodePolicy::kRecompute) {
    const Index window = cell.plan.capacity;
    if (s.step_end(0) < window) {
      return fmt::format(
          "recompute re-encodes the last {} tokens (the pattern's largest cache), more than "
          "kv_len + seq_len ({})",
          window, s.step_end(0));
    }
    cell.window = recompute_window(s, window);
    cell.plan = plan_decode(*cell.window, s);
  }
  return std::nullopt;
}

std::size_t output_floats(const DecodeShape& s, Index batch, Index d) {
  return static_cast<std::size_t>(s.steps * batch * s.heads * s.tokens * d);
}

// Bytes of keys and values of `entries` (summed over key-value heads, one batch item).
std::int64_t entry_bytes(const CaseKey& k, std::int64_t entries) {
  return entries * 2 * k.head_dim * k.batch * static_cast<std::int64_t>(element_bytes(k.dtype));
}

// Block retrieval's other work: each query row scores every candidate block's key (2 d flops).
void set_scoring_flops(CaseRecord& r, const DecodePlan& plan) {
  const DecodeShape& s = plan.shape;
  std::int64_t candidates = 0;
  for (Index p = s.initial; p < s.final_length(); ++p) candidates += plan.retrieval->candidates(p);
  r.side_flops["landmark_scoring"] = candidates * s.heads * 2 * r.key.head_dim * r.key.batch;
}

void fill_plan_figures(CaseRecord& r, const DecodePlan& plan) {
  const CaseKey& k = r.key;
  const DecodeShape& s = plan.shape;
  const std::int64_t per_pair = 4 * k.head_dim * k.batch;
  std::int64_t distinct = 0, pairs = 0, scored = 0, every = 0, landmarks = 0;
  for (Index step = 0; step < s.steps; ++step) {
    const DecodeStep& p = plan.steps[static_cast<std::size_t>(step)];
    distinct += p.distinct_keys, pairs += p.allowed_pairs, landmarks += p.scored_keys;
    every += s.step_end(step) * s.heads * s.tokens;
    // Block retrieval scores the union of its rows' keys; otherwise the cache is scored.
    for (Index g = 0; !plan.retrieval && g < s.kv_heads; ++g)
      scored += count_keys(p.keep_of(g)) * s.group() * s.tokens;
    if (plan.retrieval) scored += p.distinct_keys * s.group() * s.tokens;
  }
  if (plan.retrieval) set_scoring_flops(r, plan);
  r.flops.useful = per_pair * pairs;
  r.flops.dense = per_pair * every;
  r.flops.executed = k.executor == ExecutorKind::kDense ? r.flops.dense : per_pair * scored;
  DecodeFigures d{.steps = s.steps, .tokens_per_step = s.tokens};
  const std::int64_t q_and_o = 2 * k.batch * s.heads * s.tokens * k.head_dim *
                               static_cast<std::int64_t>(element_bytes(k.dtype));
  // Block retrieval also reads the scored keys (K only) of the blocks it does not attend.
  d.bytes_read_per_step =
      (entry_bytes(k, distinct) + entry_bytes(k, landmarks) / 2) / s.steps + q_and_o;
  r.decode = d;
}

void check_one(CaseRecord& r, const Case& c, const DecodeCell& cell, const CaseOptions& options) {
  reset_peak_rss();
  std::vector<float> out(output_floats(cell.shape, c.key.batch, c.key.head_dim));
  const std::unique_ptr<DecodeExecutor> executor =
      make_decode_executor(c.key.executor, c.key.decode_policy, cell.plan, *cell.inputs,
                           static_cast<int>(c.key.threads));
  r.impl = executor->impl();
  abort_case_if_stopping();
  executor->reset();
  executor->run(out.data());
  r.memory.peak_rss_bytes = peak_rss_bytes();
  const CacheEntries entries = executor->entries();
  r.decode->kv_cache_initial = entry_bytes(r.key, entries.initial);
  r.decode->kv_cache_max = entry_bytes(r.key, entries.max);
  r.decode->kv_cache_final = entry_bytes(r.key, entries.final);
  r.status = options.check ? CaseStatus::kPassed : CaseStatus::kExecuted;
  if (!options.check) return;
  const DecodeCheck check =
      check_decode(cell.checked(), *cell.inputs, out.data(), c.measurement.check_rows);
  AccuracyFigures& a = r.accuracy.emplace();
  a.max_abs_err = check.max_abs_err;
  a.max_rel_err = check.max_ref > 0 ? check.max_abs_err / check.max_ref : check.max_abs_err;
  a.rows_checked = check.rows_checked;
  a.non_finite = check.non_finite;
  a.tolerance = tolerance_for(c.key.dtype, c.measurement.tolerance, check.max_ref);
  if (a.non_finite > 0) {
    r.status = CaseStatus::kFailed;
    r.message = fmt::format("{} non-finite values in the reference or the output", a.non_finite);
  } else if (!(a.max_abs_err <= a.tolerance)) {
    r.status = CaseStatus::kFailed;
    r.message = fmt::format("max abs error {:.3e} exceeds the tolerance {:.1e} at sampled steps",
                            a.max_abs_err, a.tolerance);
  }
}

bool enough(const std::vector<std::vector<double>>& samples, const Measurement& m) {
  for (const std::vector<double>& s : samples) {
    if (static_cast<int>(s.size()) < m.repetitions) return false;
    if (std::accumulate(s.begin(), s.end(), 0.0) < m.min_time_ms) return false;
  }
  return true;
}

// The executors in interleaved rounds, each run from a freshly filled cache (untimed). Returns
// the window's milliseconds (executors built, warm-ups, rounds), which each record keeps.
double time_decoders(std::span<CaseRecord* const> records, std::span<const Case* const> cases,
                     const DecodeCell& cell, const CaseOptions& options) {
  using Clock = std::chrono::steady_clock;
  const auto window_start = Clock::now();
  std::vector<std::unique_ptr<DecodeExecutor>> executors;
  std::vector<std::vector<float>> outs;
  for (const Case* c : cases) {
    executors.push_back(make_decode_executor(c->key.executor, c->key.decode_policy, cell.plan,
                                             *cell.inputs, static_cast<int>(c->key.threads)));
    outs.emplace_back(output_floats(cell.shape, c->key.batch, c->key.head_dim));
  }
  const Measurement& m = cases.front()->measurement;
  for (int w = 0; w < m.warmup; ++w) {
    abort_case_if_stopping();
    for (std::size_t i = 0; i < executors.size(); ++i) {
      executors[i]->reset();
      executors[i]->run(outs[i].data());
    }
  }
  std::vector<std::vector<double>> samples(executors.size());
  const CpuTimes start = read_cpu_times();
  for (int round = 0; round < m.max_repetitions && !enough(samples, m); ++round) {
    abort_case_if_stopping();
    for (std::size_t i = 0; i < executors.size(); ++i) {
      executors[i]->reset();
      const auto begin = Clock::now();
      executors[i]->run(outs[i].data());
      samples[i].push_back(std::chrono::duration<double, std::milli>(Clock::now() - begin).count());
    }
  }
  const double foreign = foreign_cpu_share(start, read_cpu_times());
  const double window = ms_since(window_start);
  const std::optional<ProbeFigure>& dram = options.probes.dram_read_gbs;
  for (std::size_t i = 0; i < records.size(); ++i) {
    CaseRecord& r = *records[i];
    r.latency_ms = latency_of(samples[i]);
    r.noise = noise_of(*r.latency_ms, foreign, std::nullopt, m);
    r.wall_ms->timed = window;
    DecodeFigures& d = *r.decode;
    const double seconds = r.latency_ms->median * 1e-3;
    d.tokens_per_s = static_cast<double>(d.steps * d.tokens_per_step * r.key.batch) / seconds;
    if (dram && dram->median > 0) {
      const double per_step_gbs = static_cast<double>(d.bytes_read_per_step) *
                                  static_cast<double>(d.steps) / seconds * 1e-9;
      d.bandwidth_fraction = per_step_gbs / dram->median;
      d.cache_resident = *d.bandwidth_fraction > 1;
    }
  }
  return window;
}

}  // namespace

void run_decode_cell(std::span<const Case* const> cases, std::span<CaseRecord> records,
                     const CaseOptions& options, CellTimes& times) {
  const Case& first = *cases.front();
  DecodeCell cell;
  cell.shape = DecodeShape{first.kv_len, first.q_len, first.measurement.decode_steps,
                           first.key.heads, first.key.kv_heads};
  if (auto why = plan_cell(first, cell)) return skip_all(records, *why);
  cell.inputs = std::make_unique<DecodeInputs>(cell.shape, first.key.batch, first.key.head_dim,
                                               first.measurement.seed);
  const std::int64_t limit = options.memory_limit.value_or(available_memory_bytes());
  const auto inputs = static_cast<std::int64_t>(cell.inputs->bytes());
  const auto out_bytes =
      static_cast<std::int64_t>(4 * output_floats(cell.shape, first.key.batch, first.key.head_dim));
  std::vector<CaseRecord*> active;
  std::vector<const Case*> active_cases;
  std::int64_t together = inputs;  // every executor timed at once, each with its own output
  for (std::size_t i = 0; i < cases.size(); ++i) {
    CaseRecord& r = records[i];
    const CaseKey& k = cases[i]->key;
    fill_plan_figures(r, cell.plan);
    r.baseline_reason =
        "pass decode has no full-attention baseline; the decode view sets dense decoding beside it";
    const std::int64_t own =
        out_bytes + static_cast<std::int64_t>(
                        decode_bytes(k.executor, k.decode_policy, cell.plan, k.batch, k.head_dim));
    r.memory.analytic_bytes = inputs + own;
    if (r.memory.analytic_bytes > limit) {
      r.status = CaseStatus::kSkipped;
      r.message = fmt::format("memory guard: analytic memory {} exceeds the limit {}",
                              format_bytes(r.memory.analytic_bytes), format_bytes(limit));
      continue;
    }
    const auto check_start = std::chrono::steady_clock::now();
    check_one(r, *cases[i], cell, options);
    r.wall_ms = WallMs{0, ms_since(check_start), 0};  // the setup: the cell's, set by run_cell
    times.check += r.wall_ms->check;
    if (r.status != CaseStatus::kFailed) {
      active.push_back(&r);
      active_cases.push_back(cases[i]);
      together += own;
    }
  }
  if (!options.perf || active.empty()) return;
  // As in forward cells: every executor alive at once must fit, otherwise each is timed alone.
  if (together <= limit) {
    times.timed = time_decoders(active, active_cases, cell, options);
    return;
  }
  for (std::size_t i = 0; i < active.size(); ++i) {
    times.timed +=
        time_decoders(std::span(&active[i], 1), std::span(&active_cases[i], 1), cell, options);
  }
}

}  // namespace attnbench
