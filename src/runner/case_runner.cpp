#include "runner/case_runner.hpp"

#include <fmt/format.h>
#include <omp.h>

#include <chrono>
#include <cmath>
#include <functional>

#include "core/composite.hpp"
#include "core/index.hpp"
#include "core/layout_bound.hpp"
#include "core/layout_stats.hpp"
#include "core/npy_read.hpp"
#include "core/prepare_mask.hpp"
#include "core/registry.hpp"
#include "exec/executor.hpp"
#include "exec/executor_facts.hpp"
#include "exec/reference.hpp"
#include "inputs/generators.hpp"
#include "measure/memory.hpp"
#include "measure/stats.hpp"

namespace attnbench {

namespace {

// A plugin's parameters as JSON types; a composition's as {"of": [{name, params[, heads]}]}.
Json params_json(const PatternSpec& spec) {
  Json out = Json::object();
  if (!spec.parts.empty()) {
    Json parts = Json::array();
    for (std::size_t i = 0; i < spec.parts.size(); ++i) {
      Json part{{"name", spec.parts[i].name}, {"params", params_json(spec.parts[i])}};
      if (!spec.head_counts.empty()) part["heads"] = spec.head_counts[i];
      parts.push_back(part);
    }
    out["of"] = parts;
    return out;
  }
  for (const std::string& name : spec.param_order) {
    std::visit([&](const auto& v) { out[name] = v; }, spec.params.at(name));
  }
  return out;
}

void fill_mask_figures(CaseRecord& r, const Pattern& pattern, const BlockLayout& layout,
                       const LayoutStats& stats) {
  MaskFigures& m = r.mask;
  m.allowed_pairs = stats.allowed_pairs();
  m.tile_pairs = stats.executed_pairs();
  m.empty_rows = stats.empty_rows();
  m.visited_tiles = stats.visited_tiles();
  const std::int64_t heads = r.key.heads;
  m.total_tiles = stats.total_tiles * heads;
  m.min_keys = stats.heads.front().min_keys;
  for (const HeadStats& h : stats.heads) {
    m.min_keys = std::min(m.min_keys, h.min_keys);
    m.max_keys = std::max(m.max_keys, h.max_keys);
    m.partial_tiles += h.partial_tiles;
  }
  m.mean_keys = static_cast<double>(m.allowed_pairs) / static_cast<double>(heads * r.q_len);
  if (layout.layout_heads > 1) {
    for (const HeadStats& h : stats.heads) {
      m.per_head.push_back(
          HeadKeys{h.allowed_pairs, h.min_keys, h.max_keys,
                   static_cast<double>(h.allowed_pairs) / static_cast<double>(r.q_len)});
    }
  }
  m.layout_bytes = static_cast<std::int64_t>(layout.bytes());
  m.causal_pairs = causal_pairs(layout, static_cast<int>(heads), pattern.geometry().q_offset);
  std::int64_t closed = 0;
  for (int h = 0; h < heads; ++h) {
    const std::optional<Index> pairs = pattern.closed_form_pairs(h);
    if (!pairs) return;
    closed += *pairs;
  }
  m.closed_form_pairs = closed;
}

// FLOPs per (query, key) pair and head_dim: the forward's two GEMMs; the backward's five
// (recomputing Q K^T, then dV, dP, dQ, dK: FlashAttention's convention); train both.
std::int64_t flops_per_pair(Pass pass) {
  switch (pass) {
    case Pass::kBackward: return 10;
    case Pass::kTrain: return 14;
    case Pass::kForward:
    case Pass::kDecode: break;
  }
  return 4;
}

void fill_work_figures(CaseRecord& r, const LayoutStats& stats) {
  const CaseKey& k = r.key;
  const std::int64_t per_pair = flops_per_pair(k.pass) * k.head_dim * k.batch;
  if (k.pass == Pass::kBackward || k.pass == Pass::kTrain) r.grad_of = "executed";
  r.flops.useful = per_pair * stats.allowed_pairs();
  r.flops.dense = per_pair * k.heads * r.q_len * r.kv_len;
  r.flops.executed =
      facts_of(k.executor).every_pair ? r.flops.dense : per_pair * stats.executed_pairs();
  r.density.element = static_cast<double>(stats.allowed_pairs()) /
                      static_cast<double>(k.heads * r.q_len * r.kv_len);
  r.density.tile =
      static_cast<double>(stats.visited_tiles()) / static_cast<double>(stats.total_tiles * k.heads);
  r.density.waste = r.flops.executed > 0 ? 1.0 - static_cast<double>(r.flops.useful) /
                                                     static_cast<double>(r.flops.executed)
                                         : 0.0;
}

}  // namespace

AccuracyFigures check_output(const Pattern& pattern, const Problem& p, const Tensors& in,
                             const void* out, Index check_rows, std::optional<double> tolerance) {
  AccuracyFigures a;
  double max_ref = 0;
  const std::vector<Index> rows = sample_rows(p.q_len, check_rows);
  const std::size_t d = to_size(p.head_dim);
  for (Index b = 0; b < p.batch; ++b) {
    for (Index h = 0; h < p.heads; ++h) {
      const std::vector<double> ref = reference_rows(pattern, p, in, b, h, rows);
      const std::size_t got = q_offset(p, b, h);
      for (std::size_t i = 0; i < rows.size(); ++i) {
        for (std::size_t c = 0; c < d; ++c) {
          const double expected = ref[i * d + c];
          const std::size_t at = got + to_size(rows[i]) * d + c;
          const double actual = output_value(out, p.dtype, at);
          // A NaN compares false with everything: taking the maximum over it would pass the
          // case with error 0. Any non-finite value is counted and makes the error infinite.
          if (!std::isfinite(expected) || !std::isfinite(actual)) {
            a.non_finite += 1;
            a.max_abs_err = INFINITY;
            continue;
          }
          a.max_abs_err = std::max(a.max_abs_err, std::abs(actual - expected));
          max_ref = std::max(max_ref, std::abs(expected));
        }
      }
      a.rows_checked += static_cast<std::int64_t>(rows.size());
    }
  }
  a.max_rel_err = max_ref > 0 ? a.max_abs_err / max_ref : a.max_abs_err;
  a.tolerance = tolerance_for(p.dtype, tolerance, max_ref);
  return a;
}

Tensors case_inputs(const Case& c, const Problem& problem) {
  const InputSet* set = c.measurement.inputs.get();
  if (set == nullptr || set->generator == "uniform")
    return random_inputs(problem, set ? set->seed : c.measurement.seed);
  const InputShape shape{.batch = problem.batch,
                         .heads = problem.heads,
                         .kv_heads = problem.kv_heads,
                         .head_dim = problem.head_dim,
                         .q_len = problem.q_len,
                         .kv_len = problem.kv_len,
                         .q_first = first_query_position(c.pattern, c.q_len, c.kv_len)};
  InputValues values = make_inputs(*set, shape);
  Tensors t{std::move(values.q), std::move(values.k), std::move(values.v)};
  round_inputs(t, problem.dtype);
  add_output_gradient(t, problem, c.measurement.seed);
  return t;
}

PreparedMask build_mask(const Case& c, const std::function<const Tensors&()>& inputs,
                        LayoutStats& stats, const MemoryBudget& budget) {
  const Problem problem = problem_of(c);
  MaskRequest request = mask_request(c);
  request.budget = budget.bytes;
  request.input_bytes = budget.count_inputs ? static_cast<std::int64_t>(problem.io_bytes()) : 0;
  PreparedMask mask = prepare_mask(request, [&] { return content_inputs(problem, inputs()); });
  stats = compute_stats(mask.layout, c.heads());
  return mask;
}

void fill_figures(CaseRecord& r, const PreparedMask& mask, const LayoutStats& stats) {
  r.prepare_ms = mask.prepare_ms;
  r.balance = mask.balance;
  r.layout_ms = mask.layout_ms;
  fill_mask_figures(r, *mask.pattern, mask.layout, stats);
  fill_work_figures(r, stats);
}

CaseRecord describe_case(const Case& c) {
  CaseRecord r;
  r.key = c.key;
  r.pattern = c.pattern.name;
  r.params = params_json(c.pattern);
  r.label = c.label;
  r.q_len = c.q_len, r.kv_len = c.kv_len;
  return r;
}

CaseMask build_case_mask(const Case& c, std::int64_t budget) {
  CaseMask built{.record = describe_case(c)};
  omp_set_num_threads(static_cast<int>(c.key.threads));
  Tensors inputs;
  LayoutStats stats;
  PreparedMask mask = build_mask(
      c,
      [&]() -> const Tensors& {
        inputs = case_inputs(c, problem_of(c));
        return inputs;
      },
      stats, MemoryBudget{budget, true});
  fill_figures(built.record, mask, stats);
  built.pattern = std::move(mask.pattern);
  built.layout = std::move(mask.layout);
  built.record.status = CaseStatus::kPassed;
  return built;
}

CaseRecord mask_record(const Case& c, std::int64_t budget) {
  try {
    return build_case_mask(c, budget).record;
  } catch (const MemoryNeed&) {
    throw;
  } catch (const std::exception& e) {
    CaseRecord r = describe_case(c);
    r.status = CaseStatus::kError;
    r.message = e.what();
    return r;
  }
}

}  // namespace attnbench
