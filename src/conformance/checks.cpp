#include "conformance/checks.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "core/layout.hpp"
#include "core/layout_stats.hpp"
#include "exec/executor.hpp"
#include "exec/reference.hpp"

namespace attnbench::conformance {

namespace {

const char* kind_name(TileKind kind) {
  switch (kind) {
    case TileKind::kEmpty: return "empty";
    case TileKind::kPartial: return "partial";
    case TileKind::kFull: return "full";
  }
  return "?";
}

Verdict fail(std::string message) { return {true, std::move(message)}; }

Verdict check_fill_row(const PatternInstance& inst) {
  const Pattern& p = *inst.pattern;
  const Geometry& g = p.geometry();
  std::vector<std::uint8_t> row(static_cast<std::size_t>(g.kv_len));
  for (int h = 0; h < g.heads; ++h) {
    for (Index r = 0; r < g.q_len; ++r) {
      // Ragged starts and ends, so that a fill_row that ignores k_begin shows.
      const Index k_begin = r % 3, k_end = g.kv_len - r % 5;
      if (k_end <= k_begin) continue;
      const Index q = r + g.q_offset;
      p.fill_row(h, q, k_begin, k_end, row.data());
      for (Index k = k_begin; k < k_end; ++k) {
        const bool filled = row[static_cast<std::size_t>(k - k_begin)] != 0;
        if (filled != p.allows(h, q, k)) {
          return fail(fmt::format("{}: head {} query {} key {}: fill_row says {}, allows says {}",
                                  inst.label, h, q, k, filled, !filled));
        }
      }
    }
  }
  return {};
}

// The allowed pairs of a tile, and the first allowed key outside the candidate ranges.
struct TileScan {
  Index allowed = 0;
  std::optional<std::pair<Index, Index>> uncovered;  // (query, key)
};

TileScan scan_tile(const Pattern& p, int h, const TileRect& t,
                   const std::vector<KeyRange>& candidates) {
  TileScan scan;
  for (Index q = t.q_begin; q < t.q_end; ++q) {
    for (Index k = t.k_begin; k < t.k_end; ++k) {
      if (!p.allows(h, q, k)) continue;
      ++scan.allowed;
      const bool covered =
          std::any_of(candidates.begin(), candidates.end(),
                      [&](const KeyRange& c) { return k >= c.begin && k < c.end; });
      if (!covered && !scan.uncovered) scan.uncovered = std::pair{q, k};
    }
  }
  return scan;
}

std::optional<std::string> check_tile(const PatternInstance& inst, int h, const TileRect& t,
                                      const std::vector<KeyRange>& candidates) {
  const Pattern& p = *inst.pattern;
  const TileScan scan = scan_tile(p, h, t, candidates);
  const std::string where = fmt::format("{}: head {} tile queries [{}, {}) keys [{}, {})",
                                        inst.label, h, t.q_begin, t.q_end, t.k_begin, t.k_end);
  if (scan.uncovered) {
    return fmt::format("{}: candidate_keys misses key {} that query {} may see", where,
                       scan.uncovered->second, scan.uncovered->first);
  }
  const Index area = (t.q_end - t.q_begin) * (t.k_end - t.k_begin);
  const TileKind truth = scan.allowed == 0      ? TileKind::kEmpty
                         : scan.allowed == area ? TileKind::kFull
                                                : TileKind::kPartial;
  const std::optional<TileKind> said = p.classify(h, t);
  if (said && *said != truth) {
    return fmt::format("{}: classify says {}, but allows permits {} of its {} pairs ({})", where,
                       kind_name(*said), scan.allowed, area, kind_name(truth));
  }
  return std::nullopt;
}

Verdict check_classifier(const PatternInstance& inst) {
  const Pattern& p = *inst.pattern;
  const Geometry& g = p.geometry();
  for (Index bq : {Index{7}, Index{16}}) {
    for (Index bk : {Index{5}, Index{16}}) {
      for (int h = 0; h < g.heads; ++h) {
        for (Index q0 = 0; q0 < g.q_len; q0 += bq) {
          const Index q_begin = q0 + g.q_offset, q_end = std::min(q0 + bq, g.q_len) + g.q_offset;
          const std::vector<KeyRange> candidates = p.candidate_keys(h, q_begin, q_end);
          for (Index k0 = 0; k0 < g.kv_len; k0 += bk) {
            const TileRect t{q_begin, q_end, k0, std::min(k0 + bk, g.kv_len)};
            if (auto failure = check_tile(inst, h, t, candidates)) return fail(*failure);
          }
        }
      }
    }
  }
  return {};
}

Verdict check_layout(const PatternInstance& inst) {
  const Pattern& p = *inst.pattern;
  const Geometry& g = p.geometry();
  for (Index block : {Index{8}, Index{13}, Index{64}}) {
    const BlockLayout layout = build_layout(p, {g.q_len, g.kv_len, block, block}, 2);
    const LayoutStats stats = compute_stats(layout, g.heads);
    for (int h = 0; h < g.heads; ++h) {
      const std::vector<std::uint8_t> mask = expand_layout(layout, h);
      for (Index r = 0; r < g.q_len; ++r) {
        for (Index k = 0; k < g.kv_len; ++k) {
          const bool in_layout = mask[static_cast<std::size_t>(r * g.kv_len + k)] != 0;
          if (in_layout != p.allows(h, r + g.q_offset, k)) {
            return fail(fmt::format(
                "{}: {}x{} tile layout, head {} query {} key {}: the layout {} it, allows {}",
                inst.label, block, block, h, r + g.q_offset, k, in_layout ? "keeps" : "drops",
                in_layout ? "forbids it" : "permits it"));
          }
        }
      }
      const Index counted = count_pairs(p, h);
      if (stats.heads[static_cast<std::size_t>(h)].allowed_pairs != counted) {
        return fail(fmt::format("{}: head {}: layout statistics count {} pairs, allows {}",
                                inst.label, h,
                                stats.heads[static_cast<std::size_t>(h)].allowed_pairs, counted));
      }
    }
  }
  return {};
}

Verdict check_closed_form(const PatternInstance& inst) {
  Verdict verdict{false, std::nullopt};
  for (int h = 0; h < inst.pattern->geometry().heads; ++h) {
    const std::optional<Index> closed = inst.pattern->closed_form_pairs(h);
    if (!closed) continue;
    verdict.applicable = true;
    const Index counted = count_pairs(*inst.pattern, h);
    if (*closed != counted) {
      return fail(fmt::format("{}: head {}: closed_form_pairs says {}, allows permits {}",
                              inst.label, h, *closed, counted));
    }
  }
  return verdict;
}

// Both executors against the reference, on every row, with GQA (2 key heads) and ragged tiles,
// in f32 and (where oneDNN has bf16 kernels) in bf16, each at its default tolerance.
Verdict check_executors_in(const PatternInstance& inst, DataType dtype) {
  const Pattern& p = *inst.pattern;
  const Geometry& g = p.geometry();
  const Problem problem{1, g.heads, 2, g.q_len, g.kv_len, 32, 2, dtype};
  const Tensors in = random_inputs(problem, 11);
  const BlockLayout layout = build_layout(p, {g.q_len, g.kv_len, 16, 24}, 2);
  const std::vector<Index> rows = sample_rows(g.q_len, g.q_len);
  std::vector<std::vector<double>> refs;
  double max_ref = 0;
  for (Index h = 0; h < g.heads; ++h) {
    refs.push_back(reference_rows(p, problem, in, 0, h, rows));
    for (double value : refs.back()) max_ref = std::max(max_ref, std::abs(value));
  }
  const double tolerance = default_tolerance(dtype, max_ref);
  for (const ExecutorKind executor : kAllExecutors) {
    std::vector<float> out(problem.q_elements(), NAN);  // room for O in f32 or bf16
    make_executor(executor, problem, layout)->run(in, out.data());
    for (Index h = 0; h < g.heads; ++h) {
      const std::vector<double>& ref = refs[static_cast<std::size_t>(h)];
      const std::size_t base = q_offset(problem, 0, h);
      for (std::size_t i = 0; i < ref.size(); ++i) {
        const double got = output_value(out.data(), dtype, base + i);
        const double error = std::isfinite(got) ? std::abs(got - ref[i]) : INFINITY;
        if (!(error <= tolerance)) {
          const auto row = static_cast<Index>(i) / problem.head_dim;
          return fail(fmt::format(
              "{}: {} executor, head {} query row {}: {} output {} differs from the reference "
              "{} by {:.3g} (tolerance {:.1e})",
              inst.label, to_string(executor), h, row, to_string(dtype), got, ref[i], error,
              tolerance));
        }
      }
    }
  }
  return {};
}

Verdict check_executors(const PatternInstance& inst) {
  for (const DataType dtype : kAllDataTypes) {
    if (dtype == DataType::kBf16 && !bf16_available()) continue;
    Verdict verdict = check_executors_in(inst, dtype);
    if (verdict.failure) return verdict;
  }
  return {};
}

}  // namespace

const std::vector<Check>& all_checks() {
  static const std::vector<Check> checks = {
      {"fill_row", "fill_row against allows, on ragged key ranges", check_fill_row},
      {"classifier", "classify and candidate_keys against a scan of allows, 4 tile shapes",
       check_classifier},
      {"layout", "tile layouts (8, 13, 64) expanded back against allows, pair counts",
       check_layout},
      {"closed_form", "closed_form_pairs against the counted pairs", check_closed_form},
      {"executors", "dense and sparse executors against the double-precision reference, f32+bf16",
       check_executors},
      {"gradients",
       "dense and sparse executors' dQ, dK, dV against the double-precision reference, f32",
       check_executor_gradients},
  };
  return checks;
}

CheckResult run_check(const Check& check, const std::vector<PatternInstance>& instances) {
  CheckResult result{check.name, 0, std::nullopt};
  for (const PatternInstance& inst : instances) {
    Verdict verdict;
    try {
      verdict = check.run(inst);
    } catch (const std::exception& e) {
      verdict = fail(fmt::format("{}: threw: {}", inst.label, e.what()));
    }
    result.instances += verdict.applicable ? 1 : 0;
    if (verdict.failure) {
      result.failure = std::move(verdict.failure);
      break;
    }
  }
  return result;
}

}  // namespace attnbench::conformance
