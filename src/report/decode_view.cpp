#include "report/decode_view.hpp"

#include <fmt/format.h>

#include <map>

#include "report/cells.hpp"

namespace attnbench {

const char* const kDecodeCaption =
    "Decoding with a key-value cache: ms per step (the median over all timed steps of a "
    "repetition, divided by the steps; * noisy), the cache's largest size (keys and values, MiB), "
    "and the sparse executor's least traffic per step over the machine's measured DRAM read "
    "bandwidth (! above 1: the cache is served from the CPU caches). dense exec: the dense "
    "executor (every key kept, each query head reads its own). full cache: dense causal decoding "
    "on the sparse executor at the same cache size. recompute: re-encoding the last W tokens "
    "each step (decode_policy recompute), W the pattern's largest cache. Landmark inference "
    "keeps every key (any later step may retrieve any block), so its cache grows with kv_len as "
    "dense causal decoding's does; a step reads only its chosen blocks, its chunk and the "
    "landmark keys it scores.";

namespace {

std::optional<double> per_step(const CaseRecord* r) {
  if (r == nullptr || !r->latency_ms || !r->decode || r->decode->steps == 0) return std::nullopt;
  return r->latency_ms->median / static_cast<double>(r->decode->steps);
}

std::string step_text(const CaseRecord* r) {
  const auto ms = per_step(r);
  if (!ms) return r ? std::string(to_string(r->status)) : "-";
  return fmt::format("{:.3f}{}", *ms, r->noise && r->noise->noisy ? "*" : "");
}

std::string cache_text(const CaseRecord* r) {
  if (r == nullptr || !r->decode || r->status == CaseStatus::kSkipped) return "-";
  return fmt::format("{:.2f}", static_cast<double>(r->decode->kv_cache_max) / (1 << 20));
}

std::string bandwidth_text(const CaseRecord* r) {
  if (r == nullptr || !r->decode || !r->decode->bandwidth_fraction) return "-";
  return fmt::format("{:.2f}{}", *r->decode->bandwidth_fraction,
                     r->decode->cache_resident ? "!" : "");
}

std::string label_of(const CaseRecord& r) {
  std::string label = pattern_label(r);
  const std::string align = " align=bottom_right";
  if (const auto at = label.find(align); at != std::string::npos) label.erase(at, align.size());
  return label;
}

std::string ratio(std::optional<double> over, std::optional<double> under) {
  if (!over || !under || *under <= 0) return "-";
  return fmt::format("{:.2f}", *over / *under);
}

}  // namespace

Table decode_table(const RunResults& results) {
  Table t{{"pattern", "kv_len", "tokens/step", "sparse ms/step", "cache MiB", "bandwidth",
           "dense exec ms/step", "dense exec MiB", "full cache ms/step", "recompute ms/step",
           "recompute / sparse", "max abs err", "note"},
          {},
          {false, true, true, true, true, true, true, true, true, true, true, true, false}};
  std::map<std::string, const CaseRecord*> by_id, full_cache;
  for (const CaseRecord& r : results.cases) {
    if (r.key.pass != Pass::kDecode) continue;
    by_id[r.id()] = &r;
    if (r.pattern == "dense" && r.params.value("causal", false) &&
        r.key.decode_policy == DecodePolicy::kCache) {
      full_cache[id_without(r.key, {"spec"})] = &r;
    }
  }
  auto find = [&](CaseKey key, ExecutorKind executor) -> const CaseRecord* {
    key.executor = executor;
    const auto it = by_id.find(key.id());
    return it == by_id.end() ? nullptr : it->second;
  };
  for (const CaseRecord& r : results.cases) {
    if (r.key.pass != Pass::kDecode || r.is_baseline || r.key.executor != ExecutorKind::kSparse)
      continue;
    const bool recompute = r.key.decode_policy == DecodePolicy::kRecompute;
    const CaseRecord* dense = find(r.key, ExecutorKind::kDense);
    CaseKey other = r.key;
    other.decode_policy = DecodePolicy::kRecompute;
    const CaseRecord* again = recompute ? nullptr : find(other, ExecutorKind::kSparse);
    const auto full = full_cache.find(id_without(r.key, {"spec"}));
    const CaseRecord* full_record = full == full_cache.end() ? nullptr : full->second;
    t.rows.push_back({label_of(r) + (recompute ? " (recompute)" : ""), std::to_string(r.kv_len),
                      std::to_string(r.q_len), step_text(&r), cache_text(&r), bandwidth_text(&r),
                      step_text(dense), cache_text(dense), step_text(full_record), step_text(again),
                      ratio(per_step(again), per_step(&r)),
                      r.accuracy ? fmt::format("{:.1e}", r.accuracy->max_abs_err) : "-",
                      r.status == CaseStatus::kPassed ? "" : r.message});
  }
  return t;
}

}  // namespace attnbench
