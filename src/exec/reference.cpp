#include "exec/reference.hpp"

#include <algorithm>
#include <cmath>
#include <exception>
#include <limits>
#include <optional>

#include "core/composite.hpp"

namespace attnbench {

std::vector<Index> sample_rows(Index q_len, Index count) {
  std::vector<Index> rows;
  if (count >= q_len) {
    for (Index r = 0; r < q_len; ++r) rows.push_back(r);
    return rows;
  }
  for (Index i = 0; i < count; ++i) {
    const Index r = count == 1 ? 0 : i * (q_len - 1) / (count - 1);
    if (rows.empty() || rows.back() != r) rows.push_back(r);
  }
  return rows;
}

void reference_mask_row(const Pattern& pattern, int head, Index row, std::uint8_t* out) {
  const Index kv_len = pattern.geometry().kv_len;
  const std::optional<CompositionParts> composition = composition_parts(pattern);
  if (!composition) {
    const Index q = row + pattern.geometry().q_offset;
    for (Index k = 0; k < kv_len; ++k) out[k] = pattern.allows(head, q, k) ? 1 : 0;
    return;
  }
  const std::vector<const Pattern*>& parts = composition->parts;
  if (composition->kind == CompositionKind::kPerHead) {
    const IndexList& first = composition->first_head;
    const auto index = static_cast<std::size_t>(
        std::upper_bound(first.begin(), first.end(), Index{head}) - first.begin() - 1);
    reference_mask_row(*parts[index], head - static_cast<int>(first[index]), row, out);
    return;
  }
  const bool any = composition->kind == CompositionKind::kUnion;
  std::vector<std::uint8_t> part_row(static_cast<std::size_t>(kv_len));
  std::fill(out, out + kv_len, any ? 0 : 1);
  for (const Pattern* part : parts) {
    reference_mask_row(*part, head, row, part_row.data());
    for (Index k = 0; k < kv_len; ++k) {
      const std::uint8_t allowed = part_row[static_cast<std::size_t>(k)];
      out[k] = any ? (out[k] | allowed) : (out[k] & allowed);
    }
  }
}

static void reference_row(const Pattern& pattern, const Problem& p, const float* q_row,
                          const float* k, const float* v, int head, Index row, double* out) {
  const Index d = p.head_dim;
  std::vector<std::uint8_t> allowed(static_cast<std::size_t>(p.kv_len));
  reference_mask_row(pattern, head, row, allowed.data());
  std::vector<double> scores(static_cast<std::size_t>(p.kv_len));
  double max_score = -std::numeric_limits<double>::infinity();
  const double scale = 1.0 / std::sqrt(static_cast<double>(d));
  for (Index j = 0; j < p.kv_len; ++j) {
    if (!allowed[static_cast<std::size_t>(j)]) continue;
    double dot = 0;
    for (Index c = 0; c < d; ++c) dot += static_cast<double>(q_row[c]) * k[j * d + c];
    scores[static_cast<std::size_t>(j)] = dot * scale;
    max_score = std::max(max_score, dot * scale);
  }
  std::fill(out, out + d, 0.0);
  double total = 0;
  for (Index j = 0; j < p.kv_len; ++j) {
    if (!allowed[static_cast<std::size_t>(j)]) continue;
    const double weight = std::exp(scores[static_cast<std::size_t>(j)] - max_score);
    total += weight;
    for (Index c = 0; c < d; ++c) out[c] += weight * v[j * d + c];
  }
  if (total > 0) {
    for (Index c = 0; c < d; ++c) out[c] /= total;
  }
}

std::vector<double> reference_rows(const Pattern& pattern, const Problem& problem,
                                   const Tensors& inputs, Index b, Index h,
                                   const std::vector<Index>& rows) {
  const Index d = problem.head_dim;
  std::vector<double> out(rows.size() * static_cast<std::size_t>(d));
  const float* q = inputs.q.data() + q_offset(problem, b, h);
  const float* k = inputs.k.data() + kv_offset(problem, b, h);
  const float* v = inputs.v.data() + kv_offset(problem, b, h);
  const auto count = static_cast<std::int64_t>(rows.size());
  std::exception_ptr error;  // a plugin's exception must not escape the parallel region
#pragma omp parallel for schedule(dynamic)
  for (std::int64_t i = 0; i < count; ++i) {
    try {
      const Index row = rows[static_cast<std::size_t>(i)];
      reference_row(pattern, problem, q + row * d, k, v, static_cast<int>(h), row,
                    out.data() + i * d);
    } catch (...) {
#pragma omp critical
      if (!error) error = std::current_exception();
    }
  }
  if (error) std::rethrow_exception(error);
  return out;
}

}  // namespace attnbench
