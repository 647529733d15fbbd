// The views' unit: a cell is every axis of the case key but the executor, with the record of
// each executor that ran it. Records run only as other cases' baselines are not cells.
#pragma once

#include <array>
#include <optional>
#include <string>
#include <vector>

#include "results/record.hpp"

namespace attnbench {

struct Cell {
  std::string label;
  std::int64_t q_len = 0, kv_len = 0;
  std::array<const CaseRecord*, std::size(kAllExecutors)> by_executor{};
  const CaseRecord* baseline = nullptr;  // the masked dense executor's record
  const CaseRecord* sparse = nullptr;    // the sparse executor's record
  // The record the headline figures come from: the sparse executor's, else the other one.
  const CaseRecord* primary() const { return sparse ? sparse : baseline; }
};

std::vector<Cell> cells_of(const RunResults& results);

// The record's label (config/labels.hpp) where it has one, else parameters_label.
std::string pattern_label(const CaseRecord& r);
// Every parameter but a top-left align: what a picture's caption shows.
std::string parameters_label(const CaseRecord& r);

// " bf16" for a case away from the default dtype, " bf16 (emulated)" when oneDNN emulated it;
// empty for f32, so that f32 views read as before the axis existed; then " backward" or " train"
// for those passes.
std::string dtype_suffix(const CaseRecord& r);

std::optional<double> median_ms(const CaseRecord* r);

// The masked dense executor's median over the sparse one's, on the same mask.
std::optional<double> speedup_vs_masked_dense(const Cell& c);

// What the views print for a figure that is missing, and for speedup_vs_full.
std::string number(std::optional<double> value, int digits);
std::string speedup_vs_full_text(const CaseRecord* r);
// A latency, marked '*' when the case was noisy.
std::string latency_text(const CaseRecord* r);
// A fraction of a probe, marked '?' when the probe was disturbed or the fraction exceeds 1.
std::string probe_fraction_text(std::optional<double> fraction, const RunContext& context);
bool probe_fraction_doubtful(double fraction, const RunContext& context);

// The same figures for the machine-readable views: null where the text shows "-".
Json median_json(const CaseRecord* r);
Json noisy_json(const CaseRecord* r);     // null without noise figures
Json peak_rss_json(const CaseRecord* r);  // bytes; null when not measured
Json doubtful_json(std::optional<double> fraction, const RunContext& context);

// Whether some cell ran on an executor, and whether one of those was timed; and, when not, why
// its columns are empty ("" when timed).
struct ExecutorPresence {
  bool ran = false, timed = false;
};
ExecutorPresence presence(const std::vector<Cell>& cells, ExecutorKind executor);
std::string absence_reason(const std::vector<Cell>& cells, ExecutorKind executor);
// "sparse_median_ms": a column of that executor's figure, named after its label.
std::string executor_column(ExecutorKind executor, const std::string& figure);

}  // namespace attnbench
