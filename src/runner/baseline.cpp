#include "runner/baseline.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "core/check.hpp"
#include "core/registry.hpp"

namespace attnbench {

namespace {

PatternSpec dense_spec(bool causal, bool bottom_right) {
  const PatternInfo* dense = find_pattern("dense");
  ATTNBENCH_CHECK(dense != nullptr);
  PatternSpec spec{.name = "dense"};
  spec.params = resolve_params(
      *dense, {{"causal", causal}, {"align", bottom_right ? "bottom_right" : "top_left"}});
  for (const ParamSpec& p : dense->params) spec.param_order.push_back(p.name);
  return spec;
}

// Whether the pattern, or any part of a composition, puts its queries at the bottom right.
bool bottom_right(const Json& params) {
  if (params.value("align", "") == "bottom_right") return true;
  for (const Json& part : params.value("of", Json::array())) {
    if (bottom_right(part.value("params", Json::object()))) return true;
  }
  return false;
}

}  // namespace

std::optional<Case> baseline_case(const Case& c, const CaseRecord& r) {
  if (r.mask.total_tiles == 0) return std::nullopt;  // no mask was built
  // causal_pairs is nonzero exactly when the mask stays at or before the diagonal.
  const bool causal = r.mask.causal_pairs > 0 || r.mask.allowed_pairs == 0;
  Case b = c;
  b.pattern = dense_spec(causal, c.q_len != c.kv_len && bottom_right(r.params));
  b.key.spec = b.pattern.text();
  b.key.seq_len = c.q_len;
  b.key.seq_kv_len = c.kv_len;
  b.key.executor = ExecutorKind::kSparse;
  b.measurement.baseline = false;
  b.label = causal ? "full attention (causal)" : "full attention";
  return b;
}

std::string baseline_group(const Case& c) {
  CaseKey key = c.key;
  key.spec = "";
  key.seq_len = c.q_len;
  key.seq_kv_len = c.kv_len;
  return cell_key(key);
}

double predicted_baseline_seconds(const Case& b, bool causal, double gemm_gflops) {
  const CaseKey& k = b.key;
  const double pairs =
      static_cast<double>(b.q_len) * static_cast<double>(b.kv_len) * (causal ? 0.5 : 1.0);
  // The backward is 2.5 forwards of FLOPs, a train pass 3.5.
  const double passes = k.pass == Pass::kBackward ? 2.5 : k.pass == Pass::kTrain ? 3.5 : 1.0;
  const double flops = passes * 4.0 * static_cast<double>(k.head_dim * k.batch * k.heads) * pairs;
  // Attention reaches about half the GEMM rate at worst; a round is one run.
  const double run_s = flops / (std::max(gemm_gflops, 1.0) * 1e9 * 0.5);
  const Measurement& m = b.measurement;
  const double timed = std::max(m.repetitions * run_s, m.min_time_ms * 1e-3);
  return run_s * (m.warmup + 2) + std::min(timed, m.max_repetitions * run_s);
}

void attach_baseline(CaseRecord& record, const CaseRecord& baseline) {
  if (!baseline.latency_ms) {
    record.baseline_reason = fmt::format("baseline {} was not timed: {} {}", baseline.id(),
                                         to_string(baseline.status), baseline.message);
    return;
  }
  record.baseline = BaselineRef{baseline.id(), baseline.latency_ms->median};
  record.baseline_reason.clear();
  if (record.latency_ms && record.latency_ms->median > 0) {
    record.speedup_vs_full = baseline.latency_ms->median / record.latency_ms->median;
  }
}

}  // namespace attnbench
