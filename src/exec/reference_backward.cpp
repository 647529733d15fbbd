#include "exec/reference_backward.hpp"

#include <algorithm>
#include <cmath>
#include <exception>
#include <limits>

#include "exec/reference.hpp"

namespace attnbench {

namespace {

double dot(const float* a, const float* b, Index d) {
  double sum = 0;
#pragma omp simd reduction(+ : sum)
  for (Index c = 0; c < d; ++c) sum += static_cast<double>(a[c]) * static_cast<double>(b[c]);
  return sum;
}

// One query row's softmax and its gradient terms over its allowed keys.
struct RowTerms {
  std::vector<Index> keys;    // allowed, ascending
  std::vector<double> p, dp;  // P and dP per allowed key
  double delta = 0;           // D = sum of P dP
};

void row_terms(const Problem& p, const float* q, const float* d_out, const float* k, const float* v,
               const std::vector<std::uint8_t>& allowed, RowTerms& t) {
  const Index d = p.head_dim;
  const double scale = 1.0 / std::sqrt(static_cast<double>(d));
  t.keys.clear(), t.p.clear(), t.dp.clear();
  double max_score = -std::numeric_limits<double>::infinity();
  for (Index j = 0; j < p.kv_len; ++j) {
    if (!allowed[static_cast<std::size_t>(j)]) continue;
    t.keys.push_back(j);
    t.p.push_back(dot(q, k + j * d, d) * scale);
    t.dp.push_back(dot(d_out, v + j * d, d));
    max_score = std::max(max_score, t.p.back());
  }
  double total = 0;
  for (double& s : t.p) total += (s = std::exp(s - max_score));
  t.delta = 0;
  for (std::size_t i = 0; i < t.p.size(); ++i) {
    t.p[i] /= total;
    t.delta += t.p[i] * t.dp[i];
  }
}

// Where the sampled rows and keys of one (batch, head) write.
struct HeadOut {
  double* dq;  // rows x d
  double* dk;  // keys x d (the key head's, shared by its group: added under a lock)
  double* dv;
};

// dq rows of (b, h); when out.dk is given also the sampled keys' dK and dV terms.
void head_gradients(const Pattern& pattern, const Problem& p, const Tensors& in, Index b, Index h,
                    const ReferenceGradients& r, HeadOut out) {
  const Index d = p.head_dim;
  const double scale = 1.0 / std::sqrt(static_cast<double>(d));
  const float* q = in.q.data() + q_offset(p, b, h);
  const float* d_out = in.d_out.data() + q_offset(p, b, h);
  const float* k = in.k.data() + kv_offset(p, b, h);
  const float* v = in.v.data() + kv_offset(p, b, h);
  const std::size_t key_values = r.keys.size() * static_cast<std::size_t>(d);
  std::exception_ptr error;  // a plugin's exception must not escape the parallel region
#pragma omp parallel
  {
    std::vector<std::uint8_t> allowed(static_cast<std::size_t>(p.kv_len));
    std::vector<double> dk(key_values, 0.0), dv(key_values, 0.0);
    RowTerms t;
    // A head whose key/value slice is not among the sampled ones needs only its sampled rows
    // (their dQ); asking the pattern for every row's mask there was 95 % of a long window's
    // check.
    const bool all_rows = out.dk != nullptr;
    const Index visited = all_rows ? p.q_len : static_cast<Index>(r.rows.size());
    // Sixteen rows a chunk over all rows; one at a time over a few sampled ones, so that both
    // threads get some.
    const Index chunk = all_rows ? 16 : 1;
#pragma omp for schedule(dynamic, chunk)
    for (Index x = 0; x < visited; ++x) {
      const Index i = all_rows ? x : r.rows[static_cast<std::size_t>(x)];
      try {
        reference_mask_row(pattern, static_cast<int>(h), i, allowed.data());
        const auto row_at = std::lower_bound(r.rows.begin(), r.rows.end(), i);
        const bool dq_row = row_at != r.rows.end() && *row_at == i;
        auto allowed_key = [&](Index j) { return allowed[static_cast<std::size_t>(j)] != 0; };
        const bool sees_key =
            out.dk != nullptr && std::any_of(r.keys.begin(), r.keys.end(), allowed_key);
        if (!dq_row && !sees_key) continue;
        row_terms(p, q + i * d, d_out + i * d, k, v, allowed, t);
        double* dq = dq_row ? out.dq + (row_at - r.rows.begin()) * d : nullptr;
        std::size_t sampled = 0;  // the next sampled key not before the current key
        for (std::size_t a = 0; a < t.keys.size(); ++a) {
          const Index j = t.keys[a];
          const double ds = t.p[a] * (t.dp[a] - t.delta);
          if (dq != nullptr) {
            for (Index c = 0; c < d; ++c) dq[c] += scale * ds * k[j * d + c];
          }
          if (!sees_key) continue;
          while (sampled < r.keys.size() && r.keys[sampled] < j) ++sampled;
          if (sampled == r.keys.size() || r.keys[sampled] != j) continue;
          double* dk_row = dk.data() + sampled * static_cast<std::size_t>(d);
          double* dv_row = dv.data() + sampled * static_cast<std::size_t>(d);
          for (Index c = 0; c < d; ++c) {
            dk_row[c] += scale * ds * q[i * d + c];
            dv_row[c] += t.p[a] * d_out[i * d + c];
          }
        }
      } catch (...) {
#pragma omp critical
        if (!error) error = std::current_exception();
      }
    }
#pragma omp critical
    if (out.dk != nullptr) {
      for (std::size_t x = 0; x < key_values; ++x) out.dk[x] += dk[x], out.dv[x] += dv[x];
    }
  }
  if (error) std::rethrow_exception(error);
}

}  // namespace

ReferenceGradients reference_gradients(const Pattern& pattern, const Problem& p, const Tensors& in,
                                       const GradientSample& sample) {
  ReferenceGradients r;
  r.rows = sample_rows(p.q_len, sample.rows);
  r.keys = sample_rows(p.kv_len, sample.keys);
  const Index slices = p.batch * p.kv_heads;
  r.key_slices = sample_rows(slices, sample.key_slices > 0 ? sample.key_slices : slices);
  const auto d = static_cast<std::size_t>(p.head_dim);
  const std::size_t row_values = r.rows.size() * d, key_values = r.keys.size() * d;
  r.dq.assign(static_cast<std::size_t>(p.batch * p.heads) * row_values, 0.0);
  r.dk.assign(r.key_slices.size() * key_values, 0.0);
  r.dv.assign(r.dk.size(), 0.0);
  for (Index b = 0; b < p.batch; ++b) {
    for (Index h = 0; h < p.heads; ++h) {
      const auto head = static_cast<std::size_t>(b * p.heads + h);
      const auto slice = std::lower_bound(r.key_slices.begin(), r.key_slices.end(),
                                          b * p.kv_heads + h / p.group());
      const bool keys = slice != r.key_slices.end() && *slice == b * p.kv_heads + h / p.group();
      const std::size_t at = static_cast<std::size_t>(slice - r.key_slices.begin()) * key_values;
      head_gradients(pattern, p, in, b, h, r,
                     HeadOut{r.dq.data() + head * row_values, keys ? r.dk.data() + at : nullptr,
                             keys ? r.dv.data() + at : nullptr});
    }
  }
  return r;
}

}  // namespace attnbench
