#include "runner/quality_runner.hpp"

#include <fmt/format.h>
#include <omp.h>

#include <filesystem>
#include <set>

#include "core/composite.hpp"
#include "core/decisions.hpp"
#include "core/file_digest.hpp"
#include "core/layout_bound.hpp"
#include "exec/executor.hpp"
#include "measure/memory.hpp"
#include "quality/quality.hpp"
#include "report/npy.hpp"
#include "runner/baseline.hpp"

namespace attnbench {

namespace {

void measure_into(CaseRecord& r, const Case& c, const PreparedMask& mask, const Problem& problem,
                  const Tensors& inputs) {
  const std::optional<Case> full = baseline_case(c, r);
  if (!full) {
    r.quality_reason = "no mask was built";
    return;
  }
  const std::unique_ptr<Pattern> full_mask =
      instantiate(full->pattern, full->q_len, full->kv_len, full->heads());
  r.quality = measure_quality(*mask.pattern, *full_mask, problem, inputs, c.measurement.check_rows);
  r.quality->inputs = c.key.inputs;
}

}  // namespace

std::vector<Case> quality_cases(const std::vector<Case>& cases) {
  std::vector<Case> out;
  std::set<std::string> cells;
  for (const Case& c : cases) {
    if (!cells.insert(cell_key(c.key)).second) continue;
    out.push_back(c);
    out.back().key.executor = ExecutorKind::kReference;
  }
  return out;
}

void set_quality(CaseRecord& r, const Case& c, const PreparedMask& mask, const Problem& problem,
                 const Tensors& inputs) {
  if (const std::optional<std::string> why = quality_unavailable(c)) {
    r.quality_reason = *why;
    return;
  }
  measure_into(r, c, mask, problem, inputs);
}

void write_decisions(CaseRecord& r, const Pattern& pattern, const std::string& run_dir) {
  const auto* recorder = dynamic_cast<const RecordsDecisions*>(&pattern);
  if (recorder == nullptr || run_dir.empty()) return;
  const ReplayDecisions d = recorder->decisions();
  if (d.values.empty()) return;  // nothing decided (landmark in mode train)
  const std::string name =
      fmt::format("decisions/{}-{:016x}.npy", r.pattern, fnv1a(cell_key(r.key)));
  std::filesystem::create_directories(run_dir + "/decisions");
  write_npy_i32(run_dir + "/" + name, d.shape, d.values);
  r.decisions = name;
}

CaseRecord run_quality_case(const Case& c, const CaseOptions& options) {
  CaseRecord r = describe_case(c);
  if (const std::optional<std::string> why = quality_unavailable(c)) {
    r.status = CaseStatus::kSkipped;
    r.message = r.quality_reason = *why;
    return r;
  }
  omp_set_num_threads(static_cast<int>(c.key.threads));
  const Problem problem = problem_of(c);
  const std::int64_t limit = options.memory_limit.value_or(available_memory_bytes());
  const auto needed = static_cast<std::int64_t>(
      problem.io_bytes() + workspace_bytes(ExecutorKind::kReference, problem, c.layout_shape()));
  try {
    if (needed > limit) throw MemoryNeed("the inputs", needed, limit, false);
    const Tensors inputs = case_inputs(c, problem);
    LayoutStats stats;
    const PreparedMask mask = build_mask(
        c, [&]() -> const Tensors& { return inputs; }, stats, MemoryBudget{limit - needed, false});
    fill_figures(r, mask, stats);
    write_decisions(r, *mask.pattern, options.run_dir);
    measure_into(r, c, mask, problem, inputs);
    r.status = CaseStatus::kPassed;
  } catch (const MemoryNeed& e) {
    r.status = CaseStatus::kSkipped;
    r.message = fmt::format("memory guard: {}", e.what());
  } catch (const std::exception& e) {
    r.status = CaseStatus::kError;
    r.message = e.what();
  }
  return r;
}

}  // namespace attnbench
