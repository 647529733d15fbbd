#include "runner/cell_runner.hpp"

#include <fmt/format.h>
#include <omp.h>

#include <algorithm>
#include <chrono>

#include "core/check.hpp"
#include "core/layout_bound.hpp"
#include "exec/executor.hpp"
#include "exec/onednn_info.hpp"
#include "measure/machine_probes.hpp"
#include "measure/memory.hpp"
#include "measure/stats.hpp"
#include "runner/decode_runner.hpp"
#include "runner/gradient_check.hpp"
#include "runner/quality_runner.hpp"
#include "runner/signals.hpp"
#include "runner/timing.hpp"

namespace attnbench {

namespace {

// One executor of the cell while it runs.
struct Slot {
  const Case* c;
  CaseRecord* record;
  std::int64_t workspace = 0;         // its own bytes beyond inputs, output and layout
  double check_ms = 0, timed_ms = 0;  // its untimed check pass; the timed window it ran in
  bool active() const { return record->status != CaseStatus::kSkipped; }
};

void skip(Slot& slot, std::int64_t needed, std::int64_t limit, bool at_least = false) {
  slot.record->status = CaseStatus::kSkipped;
  slot.record->message =
      fmt::format("memory guard: analytic memory {}{} exceeds the limit {}",
                  at_least ? "at least " : "", format_bytes(needed), format_bytes(limit));
}

// Checks one executor against the reference in an untimed pass of its own, which also gives
// its peak memory; the executor is gone again afterwards.
void check_pass(Slot& slot, const PreparedMask& mask, const Problem& problem, const Tensors& in,
                const CaseOptions& options) {
  CaseRecord& r = *slot.record;
  reset_peak_rss();
  std::vector<float> out(problem.q_elements());  // room for O in f32 or bf16
  const std::unique_ptr<Executor> executor =
      make_executor(slot.c->key.executor, problem, mask.layout);
  r.impl = executor->impl();
  abort_case_if_stopping();
  r.emulated = emulated(problem.dtype);
  executor->prepare(in, out.data());
  executor->run(in, out.data());
  r.memory.peak_rss_bytes = peak_rss_bytes();
  r.status = options.check ? CaseStatus::kPassed : CaseStatus::kExecuted;
  if (!options.check) return;
  const Measurement& m = slot.c->measurement;
  r.accuracy = check_output(*mask.pattern, problem, in, out.data(), m.check_rows, m.tolerance);
  if (r.accuracy->non_finite > 0) {
    r.status = CaseStatus::kFailed;
    r.message = fmt::format(
        "{} non-finite values in the reference or the output (NaN or infinite inputs, or scores "
        "that overflow)",
        r.accuracy->non_finite);
  } else if (!(r.accuracy->max_abs_err <= r.accuracy->tolerance)) {
    r.status = CaseStatus::kFailed;
    r.message = fmt::format("max abs error {:.3e} exceeds the tolerance {:.1e}",
                            r.accuracy->max_abs_err, r.accuracy->tolerance);
  }
  if (const Gradients* grads = executor->gradients()) {
    r.accuracy->gradients = check_gradients(*mask.pattern, problem, in, *grads, m.check_rows);
    const std::optional<std::string> failure = gradient_failure(*r.accuracy->gradients);
    if (failure && r.status == CaseStatus::kPassed) {
      r.status = CaseStatus::kFailed;
      r.message = *failure;
    }
  }
}

// gemm_fraction and peak_fraction against the probes of the record's dtype and thread count
// (the f32 GEMM medians of older callers when the probes lack them).
void set_probe_fractions(CaseRecord& r, const CaseOptions& options) {
  const std::string dtype(to_string(r.key.dtype)), threads = std::to_string(r.key.threads);
  auto median = [&](const ProbeTable& table) -> std::optional<double> {
    const auto by_dtype = table.find(dtype);
    if (by_dtype == table.end()) return std::nullopt;
    const auto figure = by_dtype->second.find(threads);
    if (figure == by_dtype->second.end() || figure->second.median <= 0) return std::nullopt;
    return figure->second.median;
  };
  std::optional<double> gemm = median(options.probes.gemm_gflops);
  if (!gemm && r.key.dtype == DataType::kF32) {
    const auto rate = options.gemm_gflops.find(threads);
    if (rate != options.gemm_gflops.end()) gemm = rate->second;
  }
  if (gemm) r.gemm_fraction = *r.gflops_useful / *gemm;
  if (const auto peak = median(options.probes.fma_peak_gflops)) {
    r.peak_fraction = *r.gflops_useful / *peak;
  }
}

// Times `slots` together, interleaved round by round; returns the timed window's milliseconds.
double time_together(std::span<Slot* const> slots, const PreparedMask& mask, const Problem& problem,
                     const Tensors& in, const CaseOptions& options) {
  std::vector<std::unique_ptr<Executor>> executors;
  std::vector<std::vector<float>> outs;
  std::vector<Executor*> running;
  std::vector<float*> out_pointers;
  for (Slot* slot : slots) {
    executors.push_back(make_executor(slot->c->key.executor, problem, mask.layout));
    outs.emplace_back(problem.q_elements());
  }
  for (std::size_t i = 0; i < slots.size(); ++i) {
    running.push_back(executors[i].get());
    out_pointers.push_back(outs[i].data());
  }
  const Measurement& m = slots.front()->c->measurement;
  const int threads = static_cast<int>(slots.front()->c->key.threads);
  const auto start = std::chrono::steady_clock::now();
  const TimedRounds rounds = time_interleaved(running, in, out_pointers, m, threads);
  const double window = ms_since(start);
  const double canary = summarize(rounds.canary_ms).median / canary_reference_ms(threads);
  for (std::size_t i = 0; i < slots.size(); ++i) {
    CaseRecord& r = *slots[i]->record;
    r.latency_ms = latency_of(rounds.samples[i]);
    r.noise = noise_of(*r.latency_ms, rounds.foreign_cpu, canary, m);
    r.gflops_useful = static_cast<double>(r.flops.useful) / (r.latency_ms->median * 1e6);
    set_probe_fractions(r, options);
    slots[i]->timed_ms = window;
  }
  return window;
}

// Every executor alive at once must fit; otherwise each is timed on its own. Returns the
// milliseconds of the timed windows.
double time_cell(std::vector<Slot>& slots, std::int64_t shared_bytes, std::int64_t limit,
                 const PreparedMask& mask, const Problem& problem, const Tensors& in,
                 const CaseOptions& options) {
  std::vector<Slot*> timed;
  std::int64_t together = shared_bytes;
  for (Slot& slot : slots) {
    if (slot.active() && slot.record->status != CaseStatus::kFailed) {
      timed.push_back(&slot);
      together += slot.workspace;
    }
  }
  if (timed.empty()) return 0;
  if (together <= limit) return time_together(timed, mask, problem, in, options);
  double windows = 0;
  for (Slot* slot : timed)
    windows += time_together(std::span(&slot, 1), mask, problem, in, options);
  return windows;
}

// Computed once for the cell (the executors share mask and inputs), copied into each open
// record. The figures go into a record of their own: the first executor's may be skipped
// already, without mask figures, and full attention's causal rule reads them.
void share_quality_and_decisions(std::vector<Slot>& slots, const Case& first,
                                 const PreparedMask& mask, const LayoutStats& stats,
                                 const Problem& problem, const Tensors& inputs,
                                 const CaseOptions& options) {
  CaseRecord shared = describe_case(first);
  fill_figures(shared, mask, stats);
  write_decisions(shared, *mask.pattern, options.run_dir);
  const bool quality = options.check && first.measurement.quality;
  if (quality) set_quality(shared, first, mask, problem, inputs);
  for (Slot& slot : slots) {
    if (!slot.active()) continue;
    slot.record->decisions = shared.decisions;
    if (!quality) continue;
    slot.record->quality = shared.quality;
    slot.record->quality_reason = shared.quality_reason;
  }
}

// Fills the checks and timed windows of `times`; the caller derives the setup from them.
void execute_cell(std::vector<Slot>& slots, const CaseOptions& options, CellTimes& times) {
  const Case& first = *slots.front().c;
  const Problem problem = problem_of(first);
  const std::int64_t limit = options.memory_limit.value_or(available_memory_bytes());
  const auto io = static_cast<std::int64_t>(problem.io_bytes());
  for (Slot& slot : slots) {
    slot.workspace = static_cast<std::int64_t>(
        workspace_bytes(slot.c->key.executor, problem, first.layout_shape()));
    slot.record->memory.analytic_bytes = io + slot.workspace;
    if (io + slot.workspace > limit) skip(slot, io + slot.workspace, limit);
  }
  if (std::none_of(slots.begin(), slots.end(), [](const Slot& s) { return s.active(); })) return;
  const Tensors inputs = case_inputs(first, problem);
  LayoutStats stats;
  std::int64_t smallest = limit;  // the layout may use what the smallest executor leaves
  for (const Slot& slot : slots) {
    if (slot.active()) smallest = std::min(smallest, limit - io - slot.workspace);
  }
  PreparedMask mask;
  try {
    mask = build_mask(
        first, [&]() -> const Tensors& { return inputs; }, stats,
        MemoryBudget{std::max<std::int64_t>(smallest, 1), false});
  } catch (const MemoryNeed& e) {  // bounded before it was built
    for (Slot& slot : slots) {
      if (slot.active()) skip(slot, io + slot.workspace + e.needed(), limit, true);
    }
    return;
  }
  times.layout = mask.layout_ms;
  const std::int64_t shared = io + static_cast<std::int64_t>(mask.layout.bytes());
  for (Slot& slot : slots) {
    if (!slot.active()) continue;
    CaseRecord& r = *slot.record;
    fill_figures(r, mask, stats);
    for (const Pattern::SideCost& cost : mask.pattern->side_costs(first.key.head_dim)) {
      r.side_flops[cost.name] =
          static_cast<std::int64_t>(cost.flops) * first.key.heads * first.key.batch;
    }
    r.memory.analytic_bytes = shared + slot.workspace;
    if (problem.gradients()) {
      r.memory.saved_bytes = static_cast<std::int64_t>(saved_bytes(slot.c->key.executor, problem));
    }
    if (r.memory.analytic_bytes > limit) skip(slot, r.memory.analytic_bytes, limit);
  }
  share_quality_and_decisions(slots, first, mask, stats, problem, inputs, options);
  for (Slot& slot : slots) {
    if (!slot.active()) continue;
    const auto start = std::chrono::steady_clock::now();
    check_pass(slot, mask, problem, inputs, options);
    times.check += slot.check_ms = ms_since(start);
  }
  if (options.perf) times.timed = time_cell(slots, shared, limit, mask, problem, inputs, options);
}

// The cell's setup is its wall time outside the checks and the timed windows.
void set_wall_times(std::vector<Slot>& slots, double cell_ms, CellTimes& times) {
  times.setup = std::max(cell_ms - times.check - times.timed, 0.0);
  for (Slot& slot : slots) {
    if (slot.active()) slot.record->wall_ms = WallMs{times.setup, slot.check_ms, slot.timed_ms};
  }
}

// A failure before the records have their own outcome is every still-open record's outcome.
void fail_open(std::vector<CaseRecord>& records, const std::string& message) {
  for (CaseRecord& r : records) {
    if (r.status == CaseStatus::kSkipped || r.status == CaseStatus::kFailed) continue;
    r.status = CaseStatus::kError;
    r.message = message;
  }
}

}  // namespace

CellTimes& CellTimes::operator+=(const CellTimes& other) {
  setup += other.setup, layout += other.layout, check += other.check, timed += other.timed;
  return *this;
}

std::vector<CaseRecord> run_cell(std::span<const Case* const> cases, const CaseOptions& options,
                                 CellTimes* times) {
  ATTNBENCH_CHECK(!cases.empty());
  if (!cases.front()->skip_reason.empty()) {  // a sweep point the pattern cannot take
    std::vector<CaseRecord> records;
    for (const Case* c : cases) {
      records.push_back(describe_case(*c));
      records.back().status = CaseStatus::kSkipped;
      records.back().message = c->skip_reason;
    }
    return records;
  }
  if (cases.front()->key.executor == ExecutorKind::kReference)  // --mode quality
    return {run_quality_case(*cases.front(), options)};
  std::vector<CaseRecord> records;
  std::vector<Slot> slots;
  for (const Case* c : cases) {
    ATTNBENCH_CHECK(cell_key(c->key) == cell_key(cases.front()->key));
    records.push_back(describe_case(*c));
  }
  for (std::size_t i = 0; i < cases.size(); ++i) slots.push_back(Slot{cases[i], &records[i]});
  omp_set_num_threads(static_cast<int>(cases.front()->key.threads));
  try {
    const auto start = std::chrono::steady_clock::now();
    CellTimes cell;
    if (cases.front()->key.pass == Pass::kDecode) {
      run_decode_cell(cases, records, options, cell);
      for (Slot& slot : slots) {
        if (!slot.record->wall_ms) continue;
        slot.check_ms = slot.record->wall_ms->check;
        slot.timed_ms = slot.record->wall_ms->timed;
      }
    } else {
      execute_cell(slots, options, cell);
    }
    set_wall_times(slots, ms_since(start), cell);
    if (times != nullptr) *times = cell;
  } catch (const CaseAborted&) {
    throw;
  } catch (const std::bad_alloc&) {  // what the guard did not foresee: a skip, not a dead sweep
    for (CaseRecord& r : records) {
      if (r.status == CaseStatus::kSkipped || r.status == CaseStatus::kFailed) continue;
      r.status = CaseStatus::kSkipped;
      r.message = fmt::format("out of memory (needed {})", format_bytes(r.memory.analytic_bytes));
    }
  } catch (const std::exception& e) {
    fail_open(records, onednn_error_text(e).value_or(e.what()));
  }
  return records;
}

CaseRecord run_case(const Case& c, const CaseOptions& options) {
  const Case* one = &c;
  return run_cell(std::span(&one, 1), options).front();
}

}  // namespace attnbench
