#include "exec/decode_reference.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "exec/reference.hpp"

namespace attnbench {

namespace {

struct Sample {
  Index step, batch, head, row;
};

// Output row `s` in double: softmax over the allowed keys that exist at its step.
std::vector<double> reference_row(const Pattern& pattern, const DecodeInputs& in, const Sample& s) {
  const DecodeShape& shape = in.shape();
  const Index d = in.head_dim(), position = shape.step_begin(s.step) + s.row;
  const Index length = shape.step_end(s.step);
  std::vector<std::uint8_t> allowed(static_cast<std::size_t>(pattern.geometry().kv_len));
  reference_mask_row(pattern, static_cast<int>(s.head), position, allowed.data());
  std::vector<float> q(static_cast<std::size_t>(d)), k(q.size()), v(q.size());
  decode_row(in.seed(), DecodeTensor::kQ, s.batch, s.head, position, d, q.data());
  const Index kv_head = s.head / shape.group();
  std::vector<double> out(static_cast<std::size_t>(d), 0.0);
  double top = -std::numeric_limits<double>::infinity(), total = 0;
  const double scale = 1.0 / std::sqrt(static_cast<double>(d));
  for (Index key = 0; key < length; ++key) {
    if (!allowed[static_cast<std::size_t>(key)]) continue;
    decode_row(in.seed(), DecodeTensor::kK, s.batch, kv_head, key, d, k.data());
    decode_row(in.seed(), DecodeTensor::kV, s.batch, kv_head, key, d, v.data());
    double dot = 0;
    for (std::size_t c = 0; c < q.size(); ++c) dot += static_cast<double>(q[c]) * k[c];
    const double score = dot * scale;
    // An online softmax in double: one pass, nothing of the cache's length kept.
    const double next = std::max(top, score);
    const double rescale = std::exp(top - next), weight = std::exp(score - next);
    total = total * rescale + weight;
    for (std::size_t c = 0; c < out.size(); ++c) out[c] = out[c] * rescale + weight * v[c];
    top = next;
  }
  if (total > 0) {
    for (double& x : out) x /= total;
  }
  return out;
}

}  // namespace

DecodeCheck check_decode(const Pattern& pattern, const DecodeInputs& in, const float* out,
                         Index check_rows) {
  const DecodeShape& shape = in.shape();
  std::vector<Sample> samples;
  for (Index step : sample_rows(shape.steps, 3)) {
    for (Index b : sample_rows(in.batch(), 2)) {
      for (Index h : sample_rows(shape.heads, 4)) {
        for (Index row : sample_rows(shape.tokens, check_rows))
          samples.push_back({step, b, h, row});
      }
    }
  }
  const Index d = in.head_dim();
  std::vector<DecodeCheck> found(samples.size());
#pragma omp parallel for schedule(dynamic)
  for (std::size_t i = 0; i < samples.size(); ++i) {
    const Sample& s = samples[i];
    const std::vector<double> expected = reference_row(pattern, in, s);
    const float* got =
        out + (((s.step * in.batch() + s.batch) * shape.heads + s.head) * shape.tokens + s.row) * d;
    DecodeCheck& c = found[i];
    for (Index x = 0; x < d; ++x) {
      const double e = expected[static_cast<std::size_t>(x)], a = got[x];
      if (!std::isfinite(e) || !std::isfinite(a)) {
        c.non_finite += 1;
        c.max_abs_err = INFINITY;
        continue;
      }
      c.max_abs_err = std::max(c.max_abs_err, std::abs(a - e));
      c.max_ref = std::max(c.max_ref, std::abs(e));
    }
  }
  DecodeCheck total;
  for (const DecodeCheck& c : found) {
    total.max_abs_err = std::max(total.max_abs_err, c.max_abs_err);
    total.max_ref = std::max(total.max_ref, c.max_ref);
    total.non_finite += c.non_finite;
  }
  total.rows_checked = static_cast<std::int64_t>(samples.size());
  return total;
}

}  // namespace attnbench
