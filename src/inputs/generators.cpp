#include "inputs/generators.hpp"

#include <algorithm>
#include <cmath>
#include <functional>
#include <stdexcept>

#include "core/splitmix.hpp"

namespace attnbench {

namespace {

ParamSpec float_param(std::string name, double value, std::string help) {
  return ParamSpec{.name = std::move(name),
                   .type = ParamType::kFloat,
                   .default_value = value,
                   .help = std::move(help),
                   .min = 0,
                   .max = 1000};
}

ParamSpec int_param(std::string name, Index value, std::string help, Index min = 1) {
  return ParamSpec{.name = std::move(name),
                   .type = ParamType::kInt,
                   .default_value = value,
                   .help = std::move(help),
                   .min = min,
                   .max = Index{1} << 30};
}

// A hash of the seed and a few coordinates: the generators' only source of randomness.
std::uint64_t hash(std::uint64_t seed, std::initializer_list<std::uint64_t> coordinates) {
  std::uint64_t h = splitmix64(seed);
  for (std::uint64_t c : coordinates) h = splitmix64(h ^ c);
  return h;
}

enum Tensor : std::uint64_t { kQ = 1, kK, kV, kDirection, kNeedle, kPick };

// A random unit vector of `d` entries (uniform entries, normalised).
std::vector<double> direction(std::uint64_t seed, Index b, Index head, Index which, Index d) {
  std::vector<double> u(static_cast<std::size_t>(d));
  double norm = 0;
  for (Index c = 0; c < d; ++c) {
    const auto coords = {std::uint64_t{kDirection}, std::uint64_t(b), std::uint64_t(head),
                         std::uint64_t(which), std::uint64_t(c)};
    u[static_cast<std::size_t>(c)] = uniform_from_bits(hash(seed, coords));
    norm += u[static_cast<std::size_t>(c)] * u[static_cast<std::size_t>(c)];
  }
  for (double& x : u) x /= std::sqrt(norm);
  return u;
}

// The amplitude whose self dot product over sqrt(d) adds `logit` to a score.
double amplitude(double logit, Index d) { return std::sqrt(logit * std::sqrt(double(d))); }

// Fills one tensor row by row: noise uniform in [-1, 1), then `add(b, head, position, row)`.
using RowFn = std::function<void(Index b, Index head, Index position, float* row)>;
std::vector<float> tensor(std::uint64_t seed, Tensor which, Index batch, Index heads, Index rows,
                          Index first, Index d, const RowFn& add) {
  std::vector<float> out(static_cast<std::size_t>(batch * heads * rows * d));
  const Index total = batch * heads * rows;
#pragma omp parallel for schedule(static)
  for (Index i = 0; i < total; ++i) {
    const Index b = i / (heads * rows), h = i / rows % heads, position = first + i % rows;
    float* row = out.data() + i * d;
    for (Index c = 0; c < d; ++c) {
      const auto coords = {std::uint64_t{which}, std::uint64_t(b), std::uint64_t(h),
                           std::uint64_t(position), std::uint64_t(c)};
      row[c] = uniform_from_bits(hash(seed, coords));
    }
    if (add) add(b, h, position, row);
  }
  return out;
}

void add_scaled(float* row, const std::vector<double>& u, double scale) {
  for (std::size_t c = 0; c < u.size(); ++c) row[c] += static_cast<float>(scale * u[c]);
}

// Rotary position embedding at `position`, in the half-split layout (LLaMA's rotate_half):
// channel p pairs with p + d/2 and turns by position * base^(-2p/d).
void rotate(float* row, Index d, Index position, double base) {
  const Index half = d / 2;
  for (Index p = 0; p < half; ++p) {
    const double angle =
        static_cast<double>(position) * std::pow(base, -2.0 * static_cast<double>(p) / double(d));
    const double x = row[p], y = row[p + half];
    row[p] = static_cast<float>(x * std::cos(angle) - y * std::sin(angle));
    row[p + half] = static_cast<float>(x * std::sin(angle) + y * std::cos(angle));
  }
}

struct Context {
  const InputSet& set;
  const InputShape& s;
  Index group() const { return s.heads / s.kv_heads; }
  std::vector<float> noise(Tensor which, Index heads, Index rows, Index first,
                           const RowFn& add = {}) const {
    return tensor(set.seed, which, s.batch, heads, rows, first, s.head_dim, add);
  }
};

InputValues sinks(const Context& x) {
  const Index sinks = x.set.params.get_int("sinks");
  const double a = amplitude(x.set.params.get_float("logit"), x.s.head_dim);
  const auto shared = [&](Index b, Index kv_head) {
    return direction(x.set.seed, b, kv_head, 0, x.s.head_dim);
  };
  return {x.noise(kQ, x.s.heads, x.s.q_len, x.s.q_first,
                  [&](Index b, Index h, Index, float* row) {
                    add_scaled(row, shared(b, h / x.group()), a);
                  }),
          x.noise(kK, x.s.kv_heads, x.s.kv_len, 0,
                  [&](Index b, Index h, Index position, float* row) {
                    if (position < sinks) add_scaled(row, shared(b, h), a);
                  }),
          x.noise(kV, x.s.kv_heads, x.s.kv_len, 0)};
}

InputValues rope_local(const Context& x) {
  const double base = x.set.params.get_float("base");
  const double a = amplitude(x.set.params.get_float("logit"), x.s.head_dim);
  const Index d = x.s.head_dim;
  // The content shared by a key head's queries and keys, then the rotation at the position.
  const auto content = [&](bool query) {
    return [&, query](Index b, Index h, Index position, float* row) {
      add_scaled(row, direction(x.set.seed, b, query ? h / x.group() : h, 0, d), a);
      rotate(row, d, position, base);
    };
  };
  return {x.noise(kQ, x.s.heads, x.s.q_len, x.s.q_first, content(true)),
          x.noise(kK, x.s.kv_heads, x.s.kv_len, 0, content(false)),
          x.noise(kV, x.s.kv_heads, x.s.kv_len, 0)};
}

// Needle keys: a position is one with probability 1 / every, per (batch item, key head).
std::vector<Index> needles(const Context& x, Index b, Index kv_head, Index end) {
  const auto every = static_cast<std::uint64_t>(x.set.params.get_int("every"));
  std::vector<Index> found;
  for (Index p = 0; p < end; ++p) {
    const auto coords = {std::uint64_t{kNeedle}, std::uint64_t(b), std::uint64_t(kv_head),
                         std::uint64_t(p)};
    if (hash(x.set.seed, coords) % every == 0) found.push_back(p);
  }
  return found;
}

InputValues retrieval(const Context& x) {
  const Index min_distance = x.set.params.get_int("min_distance"), d = x.s.head_dim;
  const double a = amplitude(x.set.params.get_float("logit"), d);
  const Index end = std::max(x.s.q_first + x.s.q_len, x.s.kv_len);
  std::vector<std::vector<Index>> found(static_cast<std::size_t>(x.s.batch * x.s.kv_heads));
  for (Index b = 0; b < x.s.batch; ++b) {
    for (Index h = 0; h < x.s.kv_heads; ++h)
      found[static_cast<std::size_t>(b * x.s.kv_heads + h)] = needles(x, b, h, end);
  }
  const auto query = [&](Index b, Index h, Index position, float* row) {
    const std::vector<Index>& list =
        found[static_cast<std::size_t>(b * x.s.kv_heads + h / x.group())];
    const auto far = static_cast<std::uint64_t>(
        std::upper_bound(list.begin(), list.end(), position - min_distance) - list.begin());
    if (far == 0) return;
    const auto coords = {std::uint64_t{kPick}, std::uint64_t(b), std::uint64_t(h),
                         std::uint64_t(position)};
    const Index target = list[hash(x.set.seed, coords) % far];
    add_scaled(row, direction(x.set.seed, b, h / x.group(), 1 + target, d), a);
  };
  const auto key = [&](Index b, Index h, Index position, float* row) {
    const std::vector<Index>& list = found[static_cast<std::size_t>(b * x.s.kv_heads + h)];
    if (std::binary_search(list.begin(), list.end(), position))
      add_scaled(row, direction(x.set.seed, b, h, 1 + position, d), a);
  };
  return {x.noise(kQ, x.s.heads, x.s.q_len, x.s.q_first, query),
          x.noise(kK, x.s.kv_heads, x.s.kv_len, 0, key), x.noise(kV, x.s.kv_heads, x.s.kv_len, 0)};
}

// Rows [first, first + rows) of every (batch item, head) of a [batch, heads, N, d] array.
std::vector<float> rows_of(const InputArray& a, Index first, Index rows) {
  const Index batch_heads = a.shape[0] * a.shape[1], n = a.shape[2], d = a.shape[3];
  std::vector<float> out(static_cast<std::size_t>(batch_heads * rows * d));
  for (Index i = 0; i < batch_heads; ++i) {
    const float* from = a.values.data() + (i * n + first) * d;
    std::copy(from, from + rows * d, out.data() + i * rows * d);
  }
  return out;
}

}  // namespace

const std::vector<GeneratorInfo>& input_generators() {
  static const std::vector<GeneratorInfo> generators = {
      {"uniform",
       "Q, K, V independent, uniform in [-1, 1): scores of standard deviation 1/3 at any head_dim, "
       "attention spread nearly evenly over the keys",
       {}},
      {"sinks",
       "uniform noise; every query and the first `sinks` keys add one shared random direction "
       "per key head, scaled so that a sink key's score gains `logit`",
       {int_param("sinks", 4, "sink keys at the start of the sequence"),
        float_param("logit", 6.0, "score added to a query's sink keys")}},
      {"rope_local",
       "uniform noise plus one shared direction per key head (peak score gain `logit` at "
       "distance 0), then rotary embedding at each position (base `base`): scores decay with "
       "distance",
       {float_param("logit", 8.0, "score gain of the shared direction at distance 0"),
        ParamSpec{.name = "base",
                  .type = ParamType::kFloat,
                  .default_value = 10000.0,
                  .help = "rotary base (theta)",
                  .min = 2,
                  .max = Index{1} << 30}}},
      {"retrieval",
       "uniform noise; about one key in `every` is a needle with its own direction; each query "
       "adds the direction of one needle at least `min_distance` before it (seeded pick), so that "
       "pair's score gains `logit`",
       {int_param("every", 128, "mean spacing of the needle keys"),
        int_param("min_distance", 256, "a query's needle is at least this far back", 0),
        float_param("logit", 8.0, "score added to a query's needle")}},
  };
  return generators;
}

const GeneratorInfo* find_generator(const std::string& name) {
  for (const GeneratorInfo& g : input_generators()) {
    if (g.name == name) return &g;
  }
  return nullptr;
}

InputValues make_inputs(const InputSet& set, const InputShape& shape) {
  if (set.from_files()) {
    return {rows_of(*set.q, shape.q_first, shape.q_len), rows_of(*set.k, 0, shape.kv_len),
            rows_of(*set.v, 0, shape.kv_len)};
  }
  const Context context{set, shape};
  if (set.generator == "sinks") return sinks(context);
  if (set.generator == "rope_local") return rope_local(context);
  if (set.generator == "retrieval") return retrieval(context);
  throw std::logic_error("make_inputs: no construction for generator " + set.generator);
}

}  // namespace attnbench
