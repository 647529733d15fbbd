#include "quality/quality.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <exception>
#include <limits>

#include "core/index.hpp"
#include "exec/reference.hpp"

namespace attnbench {

namespace {

struct RowQuality {
  bool counted = false;  // full attention has a key for this row
  double recall = 0;
  double error2 = 0, full2 = 0;  // ||O - O_full||^2 and ||O_full||^2
};

struct RowInputs {
  const float* q;  // the query row
  const float* k;  // the (batch, key head) slices
  const float* v;
};

// Softmax-weighted sum of V over the keys `keep` allows, with weights exp(score - peak); the sum
// of the weights is returned, the output left unnormalised.
double weighted_sum(const std::vector<std::uint8_t>& keep, const std::vector<double>& score,
                    double peak, const float* v, std::size_t d, std::vector<double>& out) {
  std::fill(out.begin(), out.end(), 0.0);
  double total = 0;
  for (std::size_t j = 0; j < keep.size(); ++j) {
    if (!keep[j]) continue;
    const double w = std::exp(score[j] - peak);
    total += w;
    for (std::size_t c = 0; c < d; ++c) out[c] += w * v[j * d + c];
  }
  return total;
}

RowQuality quality_row(const Pattern& pattern, const Pattern& full, const Problem& p,
                       const RowInputs& in, int head, Index row) {
  const auto n = to_size(p.kv_len);
  const auto d = to_size(p.head_dim);
  std::vector<std::uint8_t> mask(n), all(n);
  reference_mask_row(pattern, head, row, mask.data());
  reference_mask_row(full, head, row, all.data());
  std::vector<double> score(n, 0.0);
  double peak_all = -std::numeric_limits<double>::infinity(), peak_mask = peak_all;
  const double scale = 1.0 / std::sqrt(static_cast<double>(d));
  for (std::size_t j = 0; j < n; ++j) {
    if (!mask[j] && !all[j]) continue;
    double dot = 0;
    for (std::size_t c = 0; c < d; ++c) dot += static_cast<double>(in.q[c]) * in.k[j * d + c];
    score[j] = dot * scale;
    if (all[j]) peak_all = std::max(peak_all, score[j]);
    if (mask[j]) peak_mask = std::max(peak_mask, score[j]);
  }
  RowQuality r;
  std::vector<double> o_full(d), o(d);
  const double total = weighted_sum(all, score, peak_all, in.v, d, o_full);
  if (total <= 0) return r;  // full attention has no key here: no mass to keep
  r.counted = true;
  double kept = 0;  // summed in the same order as `total`, so equal masks give exactly 1
  for (std::size_t j = 0; j < n; ++j) {
    if (all[j] && mask[j]) kept += std::exp(score[j] - peak_all);
  }
  r.recall = kept / total;
  const double mask_total = weighted_sum(mask, score, peak_mask, in.v, d, o);
  for (std::size_t c = 0; c < o.size(); ++c) {
    o_full[c] /= total;
    o[c] = mask_total > 0 ? o[c] / mask_total : 0.0;  // a row without keys outputs zeros
    r.error2 += (o[c] - o_full[c]) * (o[c] - o_full[c]);
    r.full2 += o_full[c] * o_full[c];
  }
  return r;
}

double relative(double error2, double full2) {
  if (full2 > 0) return std::sqrt(error2 / full2);
  return error2 > 0 ? std::numeric_limits<double>::infinity() : 0.0;
}

// Every sampled row of every (batch item, head), in that order.
std::vector<RowQuality> all_rows(const Pattern& pattern, const Pattern& full, const Problem& p,
                                 const Tensors& in, const std::vector<Index>& rows) {
  const auto per_head = static_cast<Index>(rows.size());
  const Index count = p.batch * p.heads * per_head;
  std::vector<RowQuality> out(static_cast<std::size_t>(count));
  std::exception_ptr error;  // a plugin's exception must not escape the parallel region
#pragma omp parallel for schedule(dynamic)
  for (Index i = 0; i < count; ++i) {
    try {
      const Index b = i / (p.heads * per_head), h = i / per_head % p.heads;
      const Index row = rows[static_cast<std::size_t>(i % per_head)];
      const RowInputs inputs{in.q.data() + q_offset(p, b, h) + row * p.head_dim,
                             in.k.data() + kv_offset(p, b, h), in.v.data() + kv_offset(p, b, h)};
      out[static_cast<std::size_t>(i)] =
          quality_row(pattern, full, p, inputs, static_cast<int>(h), row);
    } catch (...) {
#pragma omp critical
      if (!error) error = std::current_exception();
    }
  }
  if (error) std::rethrow_exception(error);
  return out;
}

}  // namespace

QualityFigures measure_quality(const Pattern& pattern, const Pattern& full, const Problem& p,
                               const Tensors& in, Index rows_per_head) {
  const std::vector<Index> rows = sample_rows(p.q_len, rows_per_head);
  const std::vector<RowQuality> measured = all_rows(pattern, full, p, in, rows);
  QualityFigures f;
  f.rows = static_cast<std::int64_t>(measured.size());
  const auto heads = static_cast<std::size_t>(p.heads);
  std::vector<double> recall_sum(heads, 0), error2(heads, 0), full2(heads, 0), recalls;
  std::vector<std::int64_t> counted(heads, 0);
  for (std::size_t i = 0; i < measured.size(); ++i) {
    const std::size_t h = i / rows.size() % heads;
    const RowQuality& r = measured[i];
    error2[h] += r.error2, full2[h] += r.full2;
    if (!r.counted) continue;
    recall_sum[h] += r.recall, counted[h] += 1;
    recalls.push_back(r.recall);
  }
  double all_error2 = 0, all_full2 = 0;
  for (std::size_t h = 0; h < heads; ++h) {
    f.recall_per_head.push_back(counted[h] ? recall_sum[h] / static_cast<double>(counted[h]) : 0);
    f.output_rel_l2_per_head.push_back(relative(error2[h], full2[h]));
    f.output_rel_l2_max_head = std::max(f.output_rel_l2_max_head, f.output_rel_l2_per_head.back());
    all_error2 += error2[h], all_full2 += full2[h];
  }
  f.output_rel_l2 = relative(all_error2, all_full2);
  if (!recalls.empty()) {
    double sum = 0;
    for (double r : recalls) sum += r;
    f.recall_mean = sum / static_cast<double>(recalls.size());
    std::sort(recalls.begin(), recalls.end());
    f.recall_min = recalls.front();
    // The nearest-rank 10th percentile: the smallest recall with at least 10% of rows at or
    // below it.
    f.recall_p10 = recalls[(recalls.size() + 9) / 10 - 1];
  }
  return f;
}

std::optional<std::string> quality_unavailable(const Case& c) {
  if (c.q_len == c.key.seq_len && c.kv_len == c.key.seq_kv_len) return std::nullopt;
  return fmt::format(
      "{} executes q{} x kv{} for the configured q{} x kv{} (pooled queries or added tokens): "
      "its rows and keys are not the inputs' tokens, so full attention on the same inputs is not "
      "defined for it",
      c.pattern.name, c.q_len, c.kv_len, c.key.seq_len, c.key.seq_kv_len);
}

}  // namespace attnbench
