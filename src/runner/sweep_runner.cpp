#include "runner/sweep_runner.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <algorithm>

#include "exec/executor.hpp"
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
    std::vector<std::size_t> positions;
    const std::vector<std::vector<const Case*>> group = group_from(i, positions);
    try {
      if (!run_cells_now(group, positions)) {
        spdlog::error("{} was deleted or moved: the sweep stops here", file_.path());
        return false;
      }
    } catch (const CaseAborted&) {
      spdlog::warn(
          "{}{}: discarded (stopped by a signal)", c.id(),
          group.size() > 1 ? fmt::format(" and the {} cells timed with it", group.size() - 1) : "");
    }
  }
  return true;
}

std::vector<const Case*> SweepRunner::pending_cell(const Case& c) const {
  std::vector<const Case*> cell;
  for (const Case* sibling : cells_.at(cell_key(c.key))) {
    if (!done_.count(sibling->id())) cell.push_back(sibling);
  }
  return cell;
}

// A cell may share its timed window with others when it is timed at all, runs forward,
// backward or train steps, and is small: inputs, outputs and every executor's workspace within
// 64 MiB, so that a group of them stays far below any memory guard.
bool SweepRunner::may_interleave(const Case& c) const {
  constexpr std::size_t kSmallCellBytes = std::size_t{64} << 20;
  if (!options_.perf || !c.skip_reason.empty() || c.key.pass == Pass::kDecode ||
      c.key.executor == ExecutorKind::kReference) {
    return false;
  }
  const Problem problem = problem_of(c);
  std::size_t bytes = problem.io_bytes();
  for (const Case* sibling : cells_.at(cell_key(c.key)))
    bytes += workspace_bytes(sibling->key.executor, problem, sibling->layout_shape());
  return bytes <= kSmallCellBytes;
}

// The cell of case `first` and the next pending cells of the sweep that may run beside it (same
// thread count), up to its `interleave_cells`; `positions` receives each cell's first index.
std::vector<std::vector<const Case*>> SweepRunner::group_from(std::size_t first,
                                                              std::vector<std::size_t>& positions) {
  const Case& c = *cases_[first];
  std::vector<std::vector<const Case*>> group{pending_cell(c)};
  positions = {first};
  if (!may_interleave(c)) return group;
  std::set<std::string> taken{cell_key(c.key)};
  for (std::size_t j = first + 1; j < cases_.size(); ++j) {
    if (static_cast<int>(group.size()) >= c.measurement.interleave_cells) break;
    const Case& next = *cases_[j];
    if (done_.count(next.id()) || taken.count(cell_key(next.key))) continue;
    if (next.key.threads != c.key.threads || !may_interleave(next)) break;
    taken.insert(cell_key(next.key));
    group.push_back(pending_cell(next));
    positions.push_back(j);
  }
  return group;
}

bool SweepRunner::run_cells_now(const std::vector<std::vector<const Case*>>& cells,
                                const std::vector<std::size_t>& positions) {
  for (const std::vector<const Case*>& cell : cells) {
    for (const Case* c : cell) done_.insert(c->id());
  }
  std::vector<CellTimes> times;
  std::vector<std::vector<CaseRecord>> records = run_cells(cells, options_, &times);
  for (std::size_t k = 0; k < cells.size(); ++k) {
    times_ += times[k];
    for (const CaseRecord& r : records[k]) note(r);
  }
  if (!file_.still_there()) return false;  // deleted while the window ran
  for (std::size_t k = 0; k < cells.size(); ++k) {
    for (std::size_t i = 0; i < cells[k].size(); ++i) {
      attach(*cells[k][i], records[k][i]);
      records[k][i].mode = mode_;
      file_.append_line(to_json(records[k][i]).dump());
      progress_.finished(positions[k] + i, records[k][i]);
    }
  }
  return true;
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
    run_cells_now({remaining}, {position});
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
