#include "runner/case_runner.hpp"

#include <fmt/format.h>
#include <omp.h>

#include <chrono>
#include <cmath>
#include <oneapi/dnnl/dnnl.hpp>

#include "core/composite.hpp"
#include "core/layout_stats.hpp"
#include "core/npy_read.hpp"
#include "core/registry.hpp"
#include "exec/executor.hpp"
#include "exec/reference.hpp"
#include "measure/memory.hpp"
#include "measure/stats.hpp"

namespace attnbench {

namespace {

using Clock = std::chrono::steady_clock;

double ms_since(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

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

Problem problem_of(const Case& c) {
  return Problem{c.shape.batch, c.shape.heads,    c.shape.kv_heads, c.q_len,
                 c.kv_len,      c.shape.head_dim, c.threads};
}

void fill_mask_figures(CaseRecord& r, const Pattern& pattern, const BlockLayout& layout,
                       const LayoutStats& stats) {
  MaskFigures& m = r.mask;
  m.allowed_pairs = stats.allowed_pairs();
  m.tile_pairs = stats.executed_pairs();
  m.empty_rows = stats.empty_rows();
  m.visited_tiles = stats.visited_tiles();
  m.total_tiles = stats.total_tiles * r.heads;
  m.min_keys = stats.heads.front().min_keys;
  for (const HeadStats& h : stats.heads) {
    m.min_keys = std::min(m.min_keys, h.min_keys);
    m.max_keys = std::max(m.max_keys, h.max_keys);
    m.partial_tiles += h.partial_tiles;
  }
  m.mean_keys = static_cast<double>(m.allowed_pairs) / static_cast<double>(r.heads * r.q_len);
  if (layout.layout_heads > 1) {
    for (const HeadStats& h : stats.heads) {
      m.per_head.push_back(
          HeadKeys{h.allowed_pairs, h.min_keys, h.max_keys,
                   static_cast<double>(h.allowed_pairs) / static_cast<double>(r.q_len)});
    }
  }
  m.layout_bytes = static_cast<std::int64_t>(layout.bytes());
  m.causal_pairs = causal_pairs(layout, static_cast<int>(r.heads), pattern.geometry().q_offset);
  std::int64_t closed = 0;
  for (int h = 0; h < r.heads; ++h) {
    const std::optional<Index> pairs = pattern.closed_form_pairs(h);
    if (!pairs) return;
    closed += *pairs;
  }
  m.closed_form_pairs = closed;
}

void fill_work_figures(CaseRecord& r, const LayoutStats& stats) {
  const std::int64_t per_pair = 4 * r.head_dim * r.batch;
  r.flops.useful = per_pair * stats.allowed_pairs();
  r.flops.dense = per_pair * r.heads * r.q_len * r.kv_len;
  r.flops.executed = r.executor == "dense" ? r.flops.dense : per_pair * stats.executed_pairs();
  r.density.element = static_cast<double>(stats.allowed_pairs()) /
                      static_cast<double>(r.heads * r.q_len * r.kv_len);
  r.density.tile =
      static_cast<double>(stats.visited_tiles()) / static_cast<double>(stats.total_tiles * r.heads);
  r.density.waste = r.flops.executed > 0 ? 1.0 - static_cast<double>(r.flops.useful) /
                                                     static_cast<double>(r.flops.executed)
                                         : 0.0;
}

AccuracyFigures check_output(const Pattern& pattern, const Problem& p, const Tensors& in,
                             const std::vector<float>& out, Index check_rows) {
  AccuracyFigures a;
  double max_ref = 0;
  const std::vector<Index> rows = sample_rows(p.q_len, check_rows);
  for (Index b = 0; b < p.batch; ++b) {
    for (Index h = 0; h < p.heads; ++h) {
      const std::vector<double> ref = reference_rows(pattern, p, in, b, h, rows);
      const float* got = out.data() + q_offset(p, b, h);
      for (std::size_t i = 0; i < rows.size(); ++i) {
        for (Index c = 0; c < p.head_dim; ++c) {
          const double expected = ref[i * static_cast<std::size_t>(p.head_dim) + c];
          const double actual = got[rows[i] * p.head_dim + c];
          const double error = std::isfinite(actual) ? std::abs(actual - expected) : INFINITY;
          a.max_abs_err = std::max(a.max_abs_err, error);
          max_ref = std::max(max_ref, std::abs(expected));
        }
      }
      a.rows_checked += static_cast<std::int64_t>(rows.size());
    }
  }
  a.max_rel_err = max_ref > 0 ? a.max_abs_err / max_ref : a.max_abs_err;
  return a;
}

LatencyMs time_executor(Executor& executor, const Tensors& in, std::vector<float>& out,
                        const Measurement& m) {
  for (int i = 0; i < m.warmup; ++i) executor.run(in, out.data());
  std::vector<double> samples;
  for (int i = 0; i < m.repetitions; ++i) {
    const auto start = Clock::now();
    executor.run(in, out.data());
    samples.push_back(ms_since(start));
  }
  const TimingSummary s = summarize(samples);
  return LatencyMs{s.median, s.min, s.max, s.mean, s.stddev, s.repetitions};
}

std::string gib(std::int64_t bytes) {
  return fmt::format("{:.2f} GiB", static_cast<double>(bytes) / (1 << 30));
}

// Runs the case after the record's identity is set; throws on library or plugin errors.
// The config's input files (shapes checked when the config loaded), or seeded random inputs.
Tensors case_inputs(const Case& c, const Problem& problem) {
  if (c.measurement.inputs_q.empty()) return random_inputs(problem, c.measurement.seed);
  return Tensors{read_npy(c.measurement.inputs_q).floats, read_npy(c.measurement.inputs_k).floats,
                 read_npy(c.measurement.inputs_v).floats};
}

// Lets a content-dependent pattern decide from `inputs` (timed), builds the layout (timed) and
// fills the record's mask, density and FLOP figures.
BlockLayout build_mask(const Case& c, Pattern& pattern, const Problem& problem,
                       const Tensors& inputs, CaseRecord& r) {
  if (auto* content = dynamic_cast<ContentPattern*>(&pattern)) {
    const auto prepare_start = Clock::now();
    content->prepare(content_inputs(problem, inputs));
    r.prepare_ms = ms_since(prepare_start);
    r.balance = content->balance();
  }
  const auto layout_start = Clock::now();
  BlockLayout layout =
      build_layout(pattern, LayoutShape{c.q_len, c.kv_len, c.block_q, c.block_kv}, c.threads);
  r.layout_ms = ms_since(layout_start);
  if (const std::optional<std::string> wrong = check_layout_sample(pattern, layout, 16)) {
    throw std::runtime_error(*wrong);
  }
  const LayoutStats stats = compute_stats(layout, static_cast<int>(c.shape.heads));
  fill_mask_figures(r, pattern, layout, stats);
  fill_work_figures(r, stats);
  return layout;
}

void execute(const Case& c, const CaseOptions& options, CaseRecord& r) {
  const std::unique_ptr<Pattern> pattern =
      instantiate(c.pattern, c.q_len, c.kv_len, static_cast<int>(c.shape.heads));
  for (const Pattern::SideCost& cost : pattern->side_costs(c.shape.head_dim)) {
    r.side_flops[cost.name] = static_cast<std::int64_t>(cost.flops) * c.shape.heads * c.shape.batch;
  }
  const Problem problem = problem_of(c);
  const LayoutShape shape{c.q_len, c.kv_len, c.block_q, c.block_kv};
  const std::int64_t limit = options.memory_limit.value_or(available_memory_bytes());
  std::int64_t analytic =
      static_cast<std::int64_t>(problem.io_bytes() + workspace_bytes(c.executor, problem, shape));
  r.memory.analytic_bytes = analytic;
  auto guard = [&] {
    if (analytic <= limit) return false;
    r.status = "skipped";
    r.message = fmt::format("memory guard: analytic memory {} exceeds the limit {}", gib(analytic),
                            gib(limit));
    return true;
  };
  if (guard()) return;
  reset_peak_rss();
  const Tensors inputs = case_inputs(c, problem);
  const BlockLayout layout = build_mask(c, *pattern, problem, inputs, r);
  analytic += r.mask.layout_bytes;
  r.memory.analytic_bytes = analytic;
  if (guard()) return;

  std::vector<float> out(problem.q_elements());
  const std::unique_ptr<Executor> executor = make_executor(c.executor, problem, layout);
  r.impl = executor->impl();
  r.status = "passed";
  if (options.check) {
    executor->run(inputs, out.data());
    r.accuracy = check_output(*pattern, problem, inputs, out, c.measurement.check_rows);
    if (!(r.accuracy->max_abs_err <= c.measurement.tolerance)) {
      r.status = "failed";
      r.message = fmt::format("max abs error {:.3e} exceeds the tolerance {:.1e}",
                              r.accuracy->max_abs_err, c.measurement.tolerance);
    }
  }
  if (options.perf && r.status == "passed") {
    r.latency_ms = time_executor(*executor, inputs, out, c.measurement);
    r.gflops_useful = static_cast<double>(r.flops.useful) / (r.latency_ms->median * 1e6);
    auto rate = options.gemm_gflops.find(std::to_string(c.threads));
    if (rate != options.gemm_gflops.end()) r.gemm_fraction = *r.gflops_useful / rate->second;
  }
  r.memory.peak_rss_bytes = peak_rss_bytes();
}

}  // namespace

CaseRecord describe_case(const Case& c) {
  CaseRecord r;
  r.id = c.id();
  r.pattern = c.pattern.name;
  r.params = params_json(c.pattern);
  r.batch = c.shape.batch, r.heads = c.shape.heads, r.kv_heads = c.shape.kv_heads;
  r.q_len = c.q_len, r.kv_len = c.kv_len, r.head_dim = c.shape.head_dim;
  r.block_q = c.block_q, r.block_kv = c.block_kv;
  r.executor = c.executor, r.threads = c.threads;
  return r;
}

CaseMask build_case_mask(const Case& c) {
  CaseMask built{.record = describe_case(c)};
  omp_set_num_threads(c.threads);
  built.pattern = instantiate(c.pattern, c.q_len, c.kv_len, static_cast<int>(c.shape.heads));
  const Problem problem = problem_of(c);
  const Tensors inputs =
      dynamic_cast<ContentPattern*>(built.pattern.get()) ? case_inputs(c, problem) : Tensors{};
  built.layout = build_mask(c, *built.pattern, problem, inputs, built.record);
  built.record.status = "passed";
  return built;
}

CaseRecord mask_record(const Case& c) {
  try {
    return build_case_mask(c).record;
  } catch (const std::exception& e) {
    CaseRecord r = describe_case(c);
    r.status = "error";
    r.message = e.what();
    return r;
  }
}

CaseRecord run_case(const Case& c, const CaseOptions& options) {
  CaseRecord r = describe_case(c);
  omp_set_num_threads(c.threads);
  try {
    execute(c, options, r);
  } catch (const dnnl::error& e) {
    r.status = "error";
    r.message = fmt::format("oneDNN error {}: {}", static_cast<int>(e.status), e.what());
  } catch (const std::exception& e) {
    r.status = "error";
    r.message = e.what();
  }
  return r;
}

}  // namespace attnbench
