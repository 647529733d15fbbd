#include "runner/sweep_runner.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <algorithm>

#include "runner/baseline.hpp"
#include "runner/cell_runner.hpp"
#include "runner/signals.hpp"

namespace attnbench {

SweepRunner::SweepRunner(std::vector<const Case*> cases, const CaseOptions& options,
                         ResultsFile& file, const std::vector<CaseRecord>& previous, RunMode mode,
                         bool show_ids)
    : cases_(std::move(cases)),
      options_(options),
      file_(file),
      mode_(mode),
      progress_(cases_, show_ids) {
  for (const CaseRecord& r : previous) note(r);
  for (const Case* c : cases_) cells_[cell_key(c->key)].push_back(c);
}

bool SweepRunner::run(const std::atomic<bool>& stop) {
  for (std::size_t i = 0; i < cases_.size() && !stop; ++i) {
    const Case& c = *cases_[i];
    if (done_.count(c.id())) continue;
    if (!file_.still_there()) {
      spdlog::error("{} was deleted or moved: the sweep stops here", file_.path());
      return false;
    }
    progress_.starting(i, c);
    std::vector<const Case*> cell;
    for (const Case* sibling : cells_.at(cell_key(c.key))) {
      if (!done_.count(sibling->id())) cell.push_back(sibling);
    }
    try {
      run_cell_now(cell, i);
    } catch (const CaseAborted&) {
      spdlog::warn("{}: discarded (stopped by a signal)", c.id());
    }
  }
  return true;
}

void SweepRunner::run_cell_now(const std::vector<const Case*>& cell, std::size_t position) {
  for (const Case* c : cell) done_.insert(c->id());
  CellTimes times;
  std::vector<CaseRecord> records = run_cell(cell, options_, &times);
  times_ += times;
  for (const CaseRecord& r : records) note(r);
  for (std::size_t i = 0; i < cell.size(); ++i) {
    attach(*cell[i], records[i]);
    records[i].mode = mode_;
    file_.append_line(to_json(records[i]).dump());
    progress_.finished(position + i, records[i]);
  }
}

void SweepRunner::note(const CaseRecord& r) {
  done_.insert(r.id());
  if (r.latency_ms) {
    timed_.emplace(r.id(), r);
  } else {
    untimed_[r.id()] =
        fmt::format("{}{}", to_string(r.status), r.message.empty() ? "" : ": " + r.message);
  }
}

void SweepRunner::attach(const Case& c, CaseRecord& r) {
  if (!options_.perf || !r.latency_ms) return;
  if (!c.measurement.baseline) {
    r.baseline_reason = "baseline: none in the config";
    return;
  }
  const std::optional<Case> b = baseline_case(c, r);
  if (!b) return;
  const bool causal = b->pattern.params.at("causal") == ParamValue(true);
  if (const CaseRecord* measured = measured_baseline(*b, causal)) {
    attach_baseline(r, *measured);
  } else {
    const auto why = untimed_.find(b->id());
    r.baseline_reason = fmt::format("no baseline: {} ({})", b->id(),
                                    why == untimed_.end() ? "not run" : why->second);
  }
}

// The record of baseline `b`: already timed, a cell of this sweep run now, or run on its own.
const CaseRecord* SweepRunner::measured_baseline(const Case& b, bool causal) {
  const std::string id = b.id();
  if (auto it = timed_.find(id); it != timed_.end()) return &it->second;
  if (done_.count(id)) return nullptr;  // recorded, but never timed: skipped or failed
  if (auto cell = cells_.find(cell_key(b.key)); cell != cells_.end()) {
    std::vector<const Case*> remaining;
    for (const Case* c : cell->second) {
      if (!done_.count(c->id())) remaining.push_back(c);
    }
    if (remaining.empty()) return nullptr;
    const auto position = static_cast<std::size_t>(
        std::find(cases_.begin(), cases_.end(), remaining.front()) - cases_.begin());
    run_cell_now(remaining, position);
    auto it = timed_.find(id);
    return it == timed_.end() ? nullptr : &it->second;
  }
  CaseRecord record = describe_case(b);
  const double rate = [&] {
    auto it = options_.gemm_gflops.find(std::to_string(b.key.threads));
    return it == options_.gemm_gflops.end() ? 1.0 : it->second;
  }();
  const double predicted = predicted_baseline_seconds(b, causal, rate);
  if (predicted > b.measurement.baseline_max_s) {
    record.status = CaseStatus::kSkipped;
    record.message = fmt::format("predicted {:.0f} s, above baseline_max_s {:.0f}", predicted,
                                 b.measurement.baseline_max_s);
  } else {
    const Case* one = &b;
    CellTimes times;
    record = run_cell(std::span(&one, 1), options_, &times).front();
    times_ += times;
  }
  record.is_baseline = true;
  record.mode = mode_;
  file_.append_line(to_json(record).dump());
  progress_.finished(0, record);
  note(record);
  const auto it = timed_.find(id);
  return it == timed_.end() ? nullptr : &it->second;
}

}  // namespace attnbench
