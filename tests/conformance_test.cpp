// Generic over the registry: every registered plugin, at every parameter set and geometry it
// accepts, must agree with its own predicate everywhere it offers a shortcut, and every
// executor must agree with the double-precision reference on it.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "core/layout.hpp"
#include "core/layout_stats.hpp"
#include "exec/executor.hpp"
#include "exec/reference.hpp"
#include "pattern_cases.hpp"

namespace attnbench::testing {
namespace {

class Conformance : public ::testing::TestWithParam<std::string> {
 protected:
  std::vector<PatternInstance> instances() const {
    std::vector<PatternInstance> result = instances_of(*find_pattern(GetParam()));
    EXPECT_FALSE(result.empty()) << "no geometry accepted by " << GetParam();
    return result;
  }
};

TEST_P(Conformance, FillRowMatchesPredicate) {
  for (const PatternInstance& inst : instances()) {
    const Geometry& g = inst.pattern->geometry();
    std::vector<std::uint8_t> row(static_cast<std::size_t>(g.kv_len));
    for (int h = 0; h < g.heads; ++h) {
      for (Index r = 0; r < g.q_len; ++r) {
        const Index k_begin = r % 3, k_end = g.kv_len - r % 5;
        if (k_end <= k_begin) continue;
        inst.pattern->fill_row(h, r + g.q_offset, k_begin, k_end, row.data());
        for (Index k = k_begin; k < k_end; ++k) {
          ASSERT_EQ(row[static_cast<std::size_t>(k - k_begin)] != 0,
                    inst.pattern->allows(h, r + g.q_offset, k))
              << inst.label << " head " << h << " row " << r << " key " << k;
        }
      }
    }
  }
}

TEST_P(Conformance, ClassifierAndCandidatesAgreeWithScan) {
  for (const PatternInstance& inst : instances()) {
    const Pattern& p = *inst.pattern;
    const Geometry& g = p.geometry();
    for (Index bq : {Index{7}, Index{16}}) {
      for (Index bk : {Index{5}, Index{16}}) {
        for (int h = 0; h < g.heads; ++h) {
          for (Index q0 = 0; q0 < g.q_len; q0 += bq) {
            const TileRect rows{q0 + g.q_offset, std::min(q0 + bq, g.q_len) + g.q_offset, 0, 0};
            const std::vector<KeyRange> candidates = p.candidate_keys(h, rows.q_begin, rows.q_end);
            for (Index k0 = 0; k0 < g.kv_len; k0 += bk) {
              const TileRect t{rows.q_begin, rows.q_end, k0, std::min(k0 + bk, g.kv_len)};
              Index allowed = 0;
              for (Index q = t.q_begin; q < t.q_end; ++q) {
                for (Index k = t.k_begin; k < t.k_end; ++k) {
                  if (!p.allows(h, q, k)) continue;
                  ++allowed;
                  const bool covered =
                      std::any_of(candidates.begin(), candidates.end(),
                                  [&](const KeyRange& c) { return k >= c.begin && k < c.end; });
                  ASSERT_TRUE(covered)
                      << inst.label << ": candidate ranges miss key " << k << " of query " << q;
                }
              }
              const Index area = (t.q_end - t.q_begin) * (t.k_end - t.k_begin);
              const TileKind truth = allowed == 0      ? TileKind::kEmpty
                                     : allowed == area ? TileKind::kFull
                                                       : TileKind::kPartial;
              const std::optional<TileKind> said = p.classify(h, t);
              if (said) {
                ASSERT_EQ(static_cast<int>(*said), static_cast<int>(truth))
                    << inst.label << " head " << h << " tile q" << t.q_begin << " k" << t.k_begin;
              }
            }
          }
        }
      }
    }
  }
}

TEST_P(Conformance, LayoutExpandsBackToPredicate) {
  for (const PatternInstance& inst : instances()) {
    const Geometry& g = inst.pattern->geometry();
    for (Index block : {Index{8}, Index{13}, Index{64}}) {
      const BlockLayout layout = build_layout(*inst.pattern, {g.q_len, g.kv_len, block, block}, 2);
      const LayoutStats stats = compute_stats(layout, g.heads);
      for (int h = 0; h < g.heads; ++h) {
        const std::vector<std::uint8_t> mask = expand_layout(layout, h);
        for (Index r = 0; r < g.q_len; ++r) {
          for (Index k = 0; k < g.kv_len; ++k) {
            ASSERT_EQ(mask[static_cast<std::size_t>(r * g.kv_len + k)] != 0,
                      inst.pattern->allows(h, r + g.q_offset, k))
                << inst.label << " block " << block << " head " << h << " row " << r << " key "
                << k;
          }
        }
        EXPECT_EQ(stats.heads[static_cast<std::size_t>(h)].allowed_pairs,
                  count_pairs(*inst.pattern, h))
            << inst.label;
      }
    }
  }
}

TEST_P(Conformance, ClosedFormEqualsCount) {
  int checked = 0;
  for (const PatternInstance& inst : instances()) {
    for (int h = 0; h < inst.pattern->geometry().heads; ++h) {
      const std::optional<Index> closed = inst.pattern->closed_form_pairs(h);
      if (!closed) continue;
      EXPECT_EQ(*closed, count_pairs(*inst.pattern, h)) << inst.label << " head " << h;
      ++checked;
    }
  }
  RecordProperty("closed_forms_checked", checked);
}

// Both executors against the reference, on every row, with GQA and ragged tiles.
TEST_P(Conformance, ExecutorsMatchReference) {
  for (const PatternInstance& inst : instances()) {
    const Geometry& g = inst.pattern->geometry();
    const Problem problem{1, g.heads, 2, g.q_len, g.kv_len, 32, 2};
    const Tensors in = random_inputs(problem, 11);
    const BlockLayout layout = build_layout(*inst.pattern, {g.q_len, g.kv_len, 16, 24}, 2);
    const std::vector<Index> rows = sample_rows(g.q_len, g.q_len);
    for (const char* name : {"dense", "sparse"}) {
      std::vector<float> out(problem.q_elements(), NAN);
      make_executor(name, problem, layout)->run(in, out.data());
      for (Index h = 0; h < g.heads; ++h) {
        const std::vector<double> ref = reference_rows(*inst.pattern, problem, in, 0, h, rows);
        const float* got = out.data() + q_offset(problem, 0, h);
        double worst = 0;
        for (std::size_t i = 0; i < ref.size(); ++i) {
          worst = std::max(worst, std::isfinite(got[i]) ? std::abs(got[i] - ref[i]) : INFINITY);
        }
        ASSERT_LE(worst, 1e-4) << name << " executor on " << inst.label << " head " << h;
      }
    }
  }
}

std::vector<std::string> registered_names() {
  std::vector<std::string> names;
  for (const PatternInfo* info : all_patterns()) names.push_back(info->name);
  return names;
}

INSTANTIATE_TEST_SUITE_P(AllPatterns, Conformance, ::testing::ValuesIn(registered_names()),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace attnbench::testing
