#include "runner/cell_runner.hpp"

#include <fmt/format.h>
#include <omp.h>

#include <algorithm>
#include <chrono>
#include <numeric>

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

// One cell between its checks and its timed rounds: what its executors need to be timed.
struct CellWork {
  std::vector<Slot> slots;
  Problem problem;
  Tensors inputs;
  PreparedMask mask;
  std::int64_t shared = 0;  // inputs, outputs and layout: bytes every executor of it reads
  std::int64_t limit = 0;   // the memory guard's limit
  CellTimes times;
  double prepared_ms = 0;  // wall time up to its timed rounds
  // Its executors that still run: checked (or not checked) and not skipped or failed.
  std::vector<Slot*> to_time() {
    std::vector<Slot*> result;
    for (Slot& slot : slots) {
      if (slot.active() && slot.record->status != CaseStatus::kFailed) result.push_back(&slot);
    }
    return result;
  }
  std::int64_t bytes_to_time() {
    std::int64_t bytes = shared;
    for (const Slot* slot : to_time()) bytes += slot->workspace;
    return bytes;
  }
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

// One executor to time and the cell it belongs to.
struct TimedSlot {
  Slot* slot;
  CellWork* cell;
};

// Times `slots` together, interleaved round by round (timing.hpp). Each cell's account gets
// the share of the window its executors' samples took; each record's wall_ms.timed is the whole
// window it ran in.
void time_together(std::span<const TimedSlot> slots, const CaseOptions& options) {
  std::vector<std::unique_ptr<Executor>> executors;
  std::vector<std::vector<float>> outs;
  std::vector<TimedExecutor> timed;
  for (const TimedSlot& t : slots) {
    executors.push_back(
        make_executor(t.slot->c->key.executor, t.cell->problem, t.cell->mask.layout));
    outs.emplace_back(t.cell->problem.q_elements());
  }
  for (std::size_t i = 0; i < slots.size(); ++i) {
    timed.push_back(TimedExecutor{executors[i].get(), &slots[i].cell->inputs, outs[i].data(),
                                  &slots[i].slot->c->measurement});
  }
  const int threads = static_cast<int>(slots.front().slot->c->key.threads);
  const auto start = std::chrono::steady_clock::now();
  const TimedRounds rounds = time_interleaved(timed, threads);
  const double window = ms_since(start);
  const double canary = summarize(rounds.canary_ms).median / canary_reference_ms(threads);
  double sampled = 0;
  for (const std::vector<double>& s : rounds.samples)
    sampled += std::accumulate(s.begin(), s.end(), 0.0);
  for (std::size_t i = 0; i < slots.size(); ++i) {
    CaseRecord& r = *slots[i].slot->record;
    const Measurement& m = slots[i].slot->c->measurement;
    r.latency_ms = latency_of(rounds.samples[i]);
    r.noise = noise_of(*r.latency_ms, rounds.foreign_cpu, canary, m);
    r.gflops_useful = static_cast<double>(r.flops.useful) / (r.latency_ms->median * 1e6);
    set_probe_fractions(r, options);
    slots[i].slot->timed_ms = window;
    const double own = std::accumulate(rounds.samples[i].begin(), rounds.samples[i].end(), 0.0);
    slots[i].cell->times.timed +=
        sampled > 0 ? window * own / sampled : window / static_cast<double>(slots.size());
  }
}

// Every executor of `cells` alive at once must fit; otherwise each cell is timed on its own,
// and an executor that does not fit beside its cell's others on its own.
void time_cells(std::span<CellWork* const> cells, const CaseOptions& options) {
  std::vector<TimedSlot> all;
  std::int64_t together = 0;
  for (CellWork* cell : cells) {
    for (Slot* slot : cell->to_time()) all.push_back(TimedSlot{slot, cell});
    together += cell->bytes_to_time();
  }
  if (all.empty()) return;
  if (together <= cells.front()->limit) return time_together(all, options);
  for (CellWork* cell : cells) {
    std::vector<TimedSlot> own;
    for (Slot* slot : cell->to_time()) own.push_back(TimedSlot{slot, cell});
    if (own.empty()) continue;
    if (cell->bytes_to_time() <= cell->limit) {
      time_together(own, options);
    } else {
      for (const TimedSlot& t : own) time_together(std::span(&t, 1), options);
    }
  }
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

// Everything before the timed rounds: memory guards, inputs, mask and layout, the checks. Fills
// the layout and check times of `w.times`.
void prepare_cell(CellWork& w, const CaseOptions& options) {
  std::vector<Slot>& slots = w.slots;
  const Case& first = *slots.front().c;
  w.problem = problem_of(first);
  const Problem& problem = w.problem;
  w.limit = options.memory_limit.value_or(available_memory_bytes());
  const std::int64_t limit = w.limit;
  const auto io = static_cast<std::int64_t>(problem.io_bytes());
  for (Slot& slot : slots) {
    slot.workspace = static_cast<std::int64_t>(
        workspace_bytes(slot.c->key.executor, problem, first.layout_shape()));
    slot.record->memory.analytic_bytes = io + slot.workspace;
    if (io + slot.workspace > limit) skip(slot, io + slot.workspace, limit);
  }
  if (std::none_of(slots.begin(), slots.end(), [](const Slot& s) { return s.active(); })) return;
  w.inputs = case_inputs(first, problem);
  const Tensors& inputs = w.inputs;
  LayoutStats stats;
  std::int64_t smallest = limit;  // the layout may use what the smallest executor leaves
  for (const Slot& slot : slots) {
    if (slot.active()) smallest = std::min(smallest, limit - io - slot.workspace);
  }
  PreparedMask& mask = w.mask;
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
  w.times.layout = mask.layout_ms;
  w.shared = io + static_cast<std::int64_t>(mask.layout.bytes());
  for (Slot& slot : slots) {
    if (!slot.active()) continue;
    CaseRecord& r = *slot.record;
    fill_figures(r, mask, stats);
    for (const Pattern::SideCost& cost : mask.pattern->side_costs(first.key.head_dim)) {
      r.side_flops[cost.name] =
          static_cast<std::int64_t>(cost.flops) * first.key.heads * first.key.batch;
    }
    r.memory.analytic_bytes = w.shared + slot.workspace;
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
    w.times.check += slot.check_ms = ms_since(start);
  }
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

// Runs `body`; what it throws becomes the open records' outcome (CaseAborted passes through: the
// sweep discards the cell). False when it threw.
template <typename Body>
bool outcome_of(std::span<std::vector<CaseRecord>* const> records, Body body) {
  try {
    body();
    return true;
  } catch (const CaseAborted&) {
    throw;
  } catch (const std::bad_alloc&) {  // what the guard did not foresee: a skip, not a dead sweep
    for (std::vector<CaseRecord>* cell : records) {
      for (CaseRecord& r : *cell) {
        if (r.status == CaseStatus::kSkipped || r.status == CaseStatus::kFailed) continue;
        r.status = CaseStatus::kSkipped;
        r.message = fmt::format("out of memory (needed {})", format_bytes(r.memory.analytic_bytes));
      }
    }
  } catch (const std::exception& e) {
    for (std::vector<CaseRecord>* cell : records)
      fail_open(*cell, onednn_error_text(e).value_or(e.what()));
  }
  return false;
}

// Cells whose timed rounds may run beside other cells': a forward, backward or train pass of a
// runnable sweep point. Decode steps and quality references have runners of their own.
bool interleavable(const Case& c) {
  return c.skip_reason.empty() && c.key.executor != ExecutorKind::kReference &&
         c.key.pass != Pass::kDecode;
}

// A cell that runs alone: a point the pattern cannot take, a quality reference, decode steps.
std::vector<CaseRecord> run_alone(std::span<const Case* const> cases, const CaseOptions& options,
                                  CellTimes& times) {
  std::vector<CaseRecord> records;
  if (!cases.front()->skip_reason.empty()) {  // a sweep point the pattern cannot take
    for (const Case* c : cases) {
      records.push_back(describe_case(*c));
      records.back().status = CaseStatus::kSkipped;
      records.back().message = c->skip_reason;
    }
    return records;
  }
  if (cases.front()->key.executor == ExecutorKind::kReference)  // --mode quality
    return {run_quality_case(*cases.front(), options)};
  for (const Case* c : cases) records.push_back(describe_case(*c));
  std::vector<CaseRecord>* cell = &records;
  omp_set_num_threads(static_cast<int>(cases.front()->key.threads));
  outcome_of(std::span(&cell, 1), [&] {
    const auto start = std::chrono::steady_clock::now();
    run_decode_cell(cases, records, options, times);
    times.setup = std::max(ms_since(start) - times.check - times.timed, 0.0);
    for (CaseRecord& r : records) {
      if (r.wall_ms) r.wall_ms->setup = times.setup;
    }
  });
  return records;
}

}  // namespace

CellTimes& CellTimes::operator+=(const CellTimes& other) {
  setup += other.setup, layout += other.layout, check += other.check, timed += other.timed;
  return *this;
}

std::vector<std::vector<CaseRecord>> run_cells(std::span<const std::vector<const Case*>> cells,
                                               const CaseOptions& options,
                                               std::vector<CellTimes>* times) {
  std::vector<std::vector<CaseRecord>> records(cells.size());
  std::vector<std::unique_ptr<CellWork>> works(cells.size());
  std::vector<CellTimes> account(cells.size());
  std::vector<CellWork*> to_time;
  std::vector<std::vector<CaseRecord>*> timed_records;
  for (std::size_t i = 0; i < cells.size(); ++i) {
    const std::vector<const Case*>& cases = cells[i];
    ATTNBENCH_CHECK(!cases.empty());
    // One window runs on one thread count (the sweep groups only cells that share it).
    ATTNBENCH_CHECK(cases.front()->key.threads == cells.front().front()->key.threads);
    if (!interleavable(*cases.front())) {
      records[i] = run_alone(cases, options, account[i]);
      continue;
    }
    for (const Case* c : cases) {
      ATTNBENCH_CHECK(cell_key(c->key) == cell_key(cases.front()->key));
      records[i].push_back(describe_case(*c));
    }
    works[i] = std::make_unique<CellWork>();
    CellWork& w = *works[i];
    for (std::size_t k = 0; k < cases.size(); ++k)
      w.slots.push_back(Slot{cases[k], &records[i][k]});
    omp_set_num_threads(static_cast<int>(cases.front()->key.threads));
    std::vector<CaseRecord>* cell = &records[i];
    const auto start = std::chrono::steady_clock::now();
    const bool prepared = outcome_of(std::span(&cell, 1), [&] { prepare_cell(w, options); });
    w.prepared_ms = ms_since(start);
    if (prepared && options.perf && !w.to_time().empty()) {
      to_time.push_back(&w);
      timed_records.push_back(cell);
    }
  }
  if (!to_time.empty()) {
    omp_set_num_threads(static_cast<int>(to_time.front()->slots.front().c->key.threads));
    outcome_of(timed_records, [&] { time_cells(to_time, options); });
  }
  for (std::size_t i = 0; i < cells.size(); ++i) {
    if (!works[i]) continue;
    CellWork& w = *works[i];
    set_wall_times(w.slots, w.prepared_ms + w.times.timed, w.times);
    account[i] = w.times;
  }
  if (times != nullptr) *times = std::move(account);
  return records;
}

std::vector<CaseRecord> run_cell(std::span<const Case* const> cases, const CaseOptions& options,
                                 CellTimes* times) {
  const std::vector<const Case*> cell(cases.begin(), cases.end());
  std::vector<CellTimes> account;
  std::vector<CaseRecord> records =
      std::move(run_cells(std::span(&cell, 1), options, &account).front());
  if (times != nullptr) *times = account.front();
  return records;
}

CaseRecord run_case(const Case& c, const CaseOptions& options) {
  const Case* one = &c;
  return run_cell(std::span(&one, 1), options).front();
}

}  // namespace attnbench
