#include "report/decode_view.hpp"

#include <fmt/format.h>

#include <map>

#include "report/case_rows.hpp"
#include "report/cells.hpp"

namespace attnbench {

namespace {

constexpr const char* kDecodeCaption =
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

// The partners of a sparse decode case: the same case on the dense executor, dense causal
// decoding at its cache size, and its re-computation baseline.
struct Partners {
  const CaseRecord* dense = nullptr;
  const CaseRecord* full_cache = nullptr;
  const CaseRecord* recompute = nullptr;
};

class PartnerIndex {
 public:
  explicit PartnerIndex(const RunResults& results) {
    for (const CaseRecord& r : results.cases) {
      if (r.key.pass != Pass::kDecode) continue;
      by_id_[r.id()] = &r;
      if (r.pattern == "dense" && r.params.value("causal", false) &&
          r.key.decode_policy == DecodePolicy::kCache) {
        full_cache_[id_without(r.key, {"spec"})] = &r;
      }
    }
  }
  Partners of(const CaseRecord& r) const {
    Partners p;
    p.dense = find(r.key, ExecutorKind::kDense);
    CaseKey other = r.key;
    other.decode_policy = DecodePolicy::kRecompute;
    if (r.key.decode_policy != DecodePolicy::kRecompute)
      p.recompute = find(other, ExecutorKind::kSparse);
    const auto full = full_cache_.find(id_without(r.key, {"spec"}));
    p.full_cache = full == full_cache_.end() ? nullptr : full->second;
    return p;
  }

 private:
  const CaseRecord* find(CaseKey key, ExecutorKind executor) const {
    key.executor = executor;
    const auto it = by_id_.find(key.id());
    return it == by_id_.end() ? nullptr : it->second;
  }
  std::map<std::string, const CaseRecord*> by_id_, full_cache_;
};

std::vector<std::string> decode_text(const CaseRecord& r, const Partners& p) {
  const bool recompute = r.key.decode_policy == DecodePolicy::kRecompute;
  return {label_of(r) + (recompute ? " (recompute)" : ""),
          std::to_string(r.kv_len),
          std::to_string(r.q_len),
          step_text(&r),
          cache_text(&r),
          bandwidth_text(&r),
          step_text(p.dense),
          cache_text(p.dense),
          step_text(p.full_cache),
          step_text(p.recompute),
          ratio(per_step(p.recompute), per_step(&r)),
          r.accuracy ? fmt::format("{:.1e}", r.accuracy->max_abs_err) : "-",
          r.status == CaseStatus::kPassed ? "" : r.message};
}

Json status_json(const CaseRecord* r) {
  return r ? Json(std::string(to_string(r->status))) : Json(nullptr);
}

Json cache_json(const CaseRecord* r) {
  if (r == nullptr || !r->decode || r->status == CaseStatus::kSkipped) return nullptr;
  return r->decode->kv_cache_max;
}

void decode_data(Json& row, const CaseRecord& r, const Partners& p) {
  row["kv_len"] = r.kv_len, row["tokens_per_step"] = r.q_len;
  if (r.decode) row["steps"] = r.decode->steps;
  row["status"] = std::string(to_string(r.status));
  row["sparse_ms_per_step"] = number_or_null(per_step(&r));
  row["sparse_noisy"] = noisy_json(&r);
  row["cache_max_bytes"] = cache_json(&r);
  if (r.decode) {
    row["bandwidth_fraction"] = number_or_null(r.decode->bandwidth_fraction);
    row["cache_resident"] = r.decode->cache_resident;
  }
  row["dense_ms_per_step"] = number_or_null(per_step(p.dense));
  row["dense_status"] = status_json(p.dense);
  row["dense_cache_max_bytes"] = cache_json(p.dense);
  row["full_cache_ms_per_step"] = number_or_null(per_step(p.full_cache));
  row["full_cache_status"] = status_json(p.full_cache);
  row["recompute_ms_per_step"] = number_or_null(per_step(p.recompute));
  row["recompute_status"] = status_json(p.recompute);
  const auto over = per_step(p.recompute), under = per_step(&r);
  if (over && under && *under > 0) row["recompute_over_sparse"] = number_or_null(*over / *under);
  if (r.accuracy) row["max_abs_err"] = number_or_null(r.accuracy->max_abs_err);
  if (r.status != CaseStatus::kPassed && !r.message.empty()) row["message"] = r.message;
}

const std::vector<std::string> kDecodeFigures = {"kv_len",
                                                 "tokens_per_step",
                                                 "steps",
                                                 "status",
                                                 "sparse_ms_per_step",
                                                 "sparse_noisy",
                                                 "cache_max_bytes",
                                                 "bandwidth_fraction",
                                                 "cache_resident",
                                                 "dense_ms_per_step",
                                                 "dense_status",
                                                 "dense_cache_max_bytes",
                                                 "full_cache_ms_per_step",
                                                 "full_cache_status",
                                                 "recompute_ms_per_step",
                                                 "recompute_status",
                                                 "recompute_over_sparse",
                                                 "max_abs_err",
                                                 "message"};

}  // namespace

NamedTable decode_view(const RunResults& results) {
  NamedTable view{"decode", kDecodeCaption};
  view.table =
      Table{{"pattern", "kv_len", "tokens/step", "sparse ms/step", "cache MiB", "bandwidth",
             "dense exec ms/step", "dense exec MiB", "full cache ms/step", "recompute ms/step",
             "recompute / sparse", "max abs err", "note"},
            {},
            {false, true, true, true, true, true, true, true, true, true, true, true, false}};
  CaseRows data(RowAxes::kCell, kDecodeFigures);
  const PartnerIndex partners(results);
  for (const CaseRecord& r : results.cases) {
    if (r.key.pass != Pass::kDecode || r.is_baseline || r.key.executor != ExecutorKind::kSparse)
      continue;
    const Partners p = partners.of(r);
    view.table.rows.push_back(decode_text(r, p));
    decode_data(data.add(r), r, p);
  }
  view.data = data.table();
  const std::string no_recompute = "the run has no `decode_policy: recompute` case";
  explain_empty(
      view,
      {{"", "no decode case ran on the sparse executor"},
       {"note", ""},
       {"bandwidth", "the run's context has no DRAM read probe"},
       {"dense exec ms/step", "no decode case ran on the dense executor"},
       {"dense exec MiB", "no decode case ran on the dense executor"},
       {"full cache ms/step", "the run has no dense causal decode case at these cache sizes"},
       {"recompute ms/step", no_recompute},
       {"recompute / sparse", no_recompute},
       {"max abs err", "no decode case was checked against the reference (`--mode perf`)"}},
      "no such case in the run, or it was not timed (its status is shown instead when it has "
      "one)");
  return view;
}

}  // namespace attnbench
