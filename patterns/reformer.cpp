// Reformer LSH attention (Kitaev et al. 2020), as trax and reformer-pytorch compute it: per hash
// round, bucket each position by argmax([xR; -xR]) of its query (shared QK) under a random
// rotation R; sort every round into one sequence of hashes x n by (round, bucket, position), cut
// it into chunks of c, and let a query attend its own chunk and the previous one (chunk 0 wraps
// to the last). The first chunk of a round therefore looks back at the last chunk of the
// previous round, not inside its own. Causal by original position; self only when nothing else
// is allowed; the union over rounds. Cross-bucket keys inside the two chunks are seen, as in
// trax, unless `attend_across_buckets: false` (reformer-pytorch's option): then a query sees only
// the keys of its own bucket of that round, in its chunk and the previous one. `replay` gives the
// buckets (int32 [hashes, n] in [0, buckets), the same for every head, or [heads, hashes, n])
// instead (docs/patterns.md, `reformer`).
#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <limits>
#include <numeric>
#include <random>

#include <attnbench/common_params.hpp>
#include <attnbench/content_pattern.hpp>
#include <attnbench/errors.hpp>
#include <attnbench/interval_pattern.hpp>
#include <attnbench/registry.hpp>

#include "core/decisions.hpp"
#include "core/npy_read.hpp"

namespace attnbench {
namespace {

constexpr Index kMaxHashes = 16;  // the `hashes` parameter's maximum

class Reformer final : public ContentPattern, public RecordsDecisions {
 public:
  Reformer(const Geometry& g, const ParamValues& p)
      : ContentPattern(g),
        chunk_(p.get_int("chunk")),
        hashes_(p.get_int("hashes")),
        causal_(p.get_bool("causal")),
        across_buckets_(p.get_bool("attend_across_buckets")),
        seed_(static_cast<std::uint64_t>(p.get_int("seed"))) {
    if (g.q_len != g.kv_len || g.q_offset != 0)
      throw ParamError("align", "Reformer LSH runs self-attention: square lengths only");
    if (chunk_ > g.q_len)
      throw ParamError("chunk", fmt::format("chunk {} exceeds the sequence ({})", chunk_, g.q_len));
    buckets_ =
        p.get_int("buckets") > 0 ? p.get_int("buckets") : 2 * std::max<Index>(1, g.q_len / chunk_);
    if (buckets_ % 2 != 0)
      throw ParamError("buckets", "the number of buckets must be even (argmax over [xR; -xR])");
    chunks_ = (hashes_ * g.q_len + chunk_ - 1) / chunk_;  // over the rounds' one sequence
    if (chunks_ > std::numeric_limits<std::int32_t>::max())
      throw ParamError(
          "chunk", fmt::format("{} rounds of {} tokens make more than 2^31 chunks of {}", hashes_,
                               g.q_len, chunk_));
    if (const std::string& replay = p.get_string("replay"); !replay.empty()) replay_from(replay);
  }

  bool allows(int head, Index q, Index k) const override {
    if (k == q) return !has_other_[static_cast<std::size_t>(head * geometry().q_len + q)];
    if (causal_ && k > q) return false;
    return shares_window(head, window_of(head, q), k);
  }

  void fill_row(int head, Index q, Index k_begin, Index k_end, std::uint8_t* out) const override {
    const Index n = geometry().q_len;
    std::fill(out, out + (k_end - k_begin), 0);
    const Window window = window_of(head, q);
    const Index end = causal_ ? std::min(k_end, q) : k_end;
    for (Index k = k_begin; k < end; ++k) out[k - k_begin] = shares_window(head, window, k);
    if (q >= k_begin && q < k_end)
      out[q - k_begin] = !has_other_[static_cast<std::size_t>(head * n + q)];
  }

  std::vector<KeyRange> candidate_keys(int, Index, Index q_end) const override {
    return {KeyRange{0, causal_ ? q_end : geometry().kv_len}};
  }

  void prepare(const ContentInputs& in) override {
    if (!chunk_of_.empty()) return;  // replayed
    for (Index h = 0; h < geometry().heads; ++h) assign_chunks(hash_head(in, h));
  }

  ReplayDecisions decisions() const override {
    return {{geometry().heads, hashes_, geometry().q_len}, buckets_of_};
  }

  std::map<std::string, double> balance() const override {
    // Bucket sizes relative to a perfectly even split: the largest and the smallest bucket.
    Index largest = 0, smallest = geometry().q_len;
    for (const std::vector<Index>& sizes : bucket_sizes_) {
      for (Index s : sizes) largest = std::max(largest, s), smallest = std::min(smallest, s);
    }
    const double even = static_cast<double>(geometry().q_len) / static_cast<double>(buckets_);
    return {{"largest_bucket_over_even", static_cast<double>(largest) / even},
            {"smallest_bucket_over_even", static_cast<double>(smallest) / even}};
  }

  // Hashing (2 n d nb/2 per round) and sorting n log n per round, per head.
  std::vector<SideCost> side_costs(Index head_dim) const override {
    const double n = static_cast<double>(geometry().q_len), h = static_cast<double>(hashes_);
    return {{"hashing", h * n * static_cast<double>(head_dim * buckets_)},
            {"sorting_compares", h * n * std::log2(n)}};
  }

 private:
  // [hashes, n] for every head, or [heads, hashes, n].
  void replay_from(const std::string& path) {
    const Index n = geometry().q_len, heads = geometry().heads;
    NpyArray array;
    try {
      array = read_npy(path);
    } catch (const NpyError& e) {
      throw ParamError("replay", e.what());
    }
    const bool per_head = array.shape == std::vector<std::int64_t>{heads, hashes_, n};
    if (array.dtype != "<i4" || (!per_head && array.shape != std::vector<std::int64_t>{hashes_, n}))
      throw ParamError("replay", fmt::format("{}: expected int32 [{}, {}] or [{}, {}, {}]", path,
                                             hashes_, n, heads, hashes_, n));
    for (std::int32_t b : array.ints) {
      if (b < 0 || b >= buckets_)
        throw ParamError("replay", fmt::format("bucket {} is outside [0, {})", b, buckets_));
    }
    const auto per = static_cast<std::ptrdiff_t>(hashes_ * n);
    for (Index h = 0; h < heads; ++h) {
      const auto first = array.ints.begin() + (per_head ? h * per : 0);
      assign_chunks(std::vector<std::int32_t>(first, first + per));
    }
  }

  // The chunks a query sees, over every round: its own and the previous one in the rounds' one
  // sorted sequence (at most 2 x kMaxHashes, round r's at 2r and 2r + 1), and its bucket in
  // each round.
  struct Window {
    std::array<std::int32_t, 2 * kMaxHashes> chunks{};
    std::array<std::int32_t, kMaxHashes> buckets{};
    std::size_t size = 0;
    bool contains(std::int32_t c) const {
      return std::find(chunks.begin(), chunks.begin() + static_cast<std::ptrdiff_t>(size), c) !=
             chunks.begin() + static_cast<std::ptrdiff_t>(size);
    }
  };
  Window window_of(int head, Index q) const {
    Window w;
    for (Index round = 0; round < hashes_; ++round) {
      const std::int32_t own = chunk_at(head, round, q);
      w.buckets[static_cast<std::size_t>(round)] = bucket_at(head, round, q);
      w.chunks[w.size++] = own;
      w.chunks[w.size++] = static_cast<std::int32_t>((own + chunks_ - 1) % chunks_);
    }
    return w;
  }
  std::int32_t chunk_at(int head, Index round, Index p) const {
    return chunk_of_[static_cast<std::size_t>((head * hashes_ + round) * geometry().q_len + p)];
  }
  std::int32_t bucket_at(int head, Index round, Index p) const {
    return buckets_of_[static_cast<std::size_t>((head * hashes_ + round) * geometry().q_len + p)];
  }

  // Whether key k lands, in any round, in a chunk the query sees. Across buckets, a key of round
  // r may fall in the query's round-r' window (the first chunk of a round looks back at the
  // previous round's last). Within buckets, reformer-pytorch compares the buckets offset by
  // round (bucket + round x buckets), so only a key of the query's own bucket in the same round
  // counts: in that round's own or previous chunk.
  bool shares_window(int head, const Window& window, Index k) const {
    for (Index round = 0; round < hashes_; ++round) {
      const std::int32_t chunk = chunk_at(head, round, k);
      if (across_buckets_) {
        if (window.contains(chunk)) return true;
        continue;
      }
      const auto r = static_cast<std::size_t>(round);
      if (bucket_at(head, round, k) == window.buckets[r] &&
          (chunk == window.chunks[2 * r] || chunk == window.chunks[2 * r + 1]))
        return true;
    }
    return false;
  }

  std::vector<std::int32_t> hash_head(const ContentInputs& in, Index h) const {
    const Index n = geometry().q_len, d = in.head_dim, half = buckets_ / 2;
    std::vector<std::int32_t> buckets(static_cast<std::size_t>(hashes_ * n));
    std::mt19937_64 generator(seed_ * 7919 + static_cast<std::uint64_t>(h));
    std::normal_distribution<float> normal;
    std::vector<float> rotation(static_cast<std::size_t>(d * half));
    for (Index round = 0; round < hashes_; ++round) {
      for (float& x : rotation) x = normal(generator);
      for (Index p = 0; p < n; ++p) {
        const float* x = in.q_row(h, p);
        Index best = 0;
        float best_value = -std::numeric_limits<float>::infinity();
        for (Index j = 0; j < half; ++j) {
          float dot = 0;
          for (Index c = 0; c < d; ++c)
            dot += x[c] * rotation[static_cast<std::size_t>(c * half + j)];
          if (dot > best_value) best_value = dot, best = j;
          if (-dot > best_value) best_value = -dot, best = j + half;
        }
        buckets[static_cast<std::size_t>(round * n + p)] = static_cast<std::int32_t>(best);
      }
    }
    return buckets;
  }

  // Sorts each round by (bucket, position), places the rounds one after another in a single
  // sequence and records every position's chunk in it per round; then which queries have a key
  // other than themselves (self is a fallback only).
  void assign_chunks(const std::vector<std::int32_t>& buckets) {
    buckets_of_.insert(buckets_of_.end(), buckets.begin(), buckets.end());
    const Index n = geometry().q_len;
    const int head = static_cast<int>(has_other_.size() / static_cast<std::size_t>(n));
    std::vector<Index> order(static_cast<std::size_t>(n));
    std::vector<Index> sizes(static_cast<std::size_t>(buckets_), 0);
    for (Index round = 0; round < hashes_; ++round) {
      const std::int32_t* bucket = buckets.data() + round * n;
      std::iota(order.begin(), order.end(), 0);
      std::stable_sort(order.begin(), order.end(),
                       [&](Index a, Index b) { return bucket[a] < bucket[b]; });
      const std::size_t base = chunk_of_.size();
      chunk_of_.resize(base + static_cast<std::size_t>(n));
      for (Index s = 0; s < n; ++s)
        chunk_of_[base + static_cast<std::size_t>(order[static_cast<std::size_t>(s)])] =
            static_cast<std::int32_t>((round * n + s) / chunk_);
      for (Index p = 0; p < n; ++p) ++sizes[static_cast<std::size_t>(bucket[p])];
    }
    bucket_sizes_.push_back(sizes);
    has_other_.resize(has_other_.size() + static_cast<std::size_t>(n), 0);
    for (Index q = 0; q < n; ++q) {
      const Window window = window_of(head, q);
      for (Index k = 0;
           k < (causal_ ? q : n) && !has_other_[static_cast<std::size_t>(head * n + q)]; ++k) {
        if (k != q && shares_window(head, window, k))
          has_other_[static_cast<std::size_t>(head * n + q)] = 1;
      }
    }
  }

  Index chunk_, hashes_;
  bool causal_, across_buckets_;
  std::uint64_t seed_;
  Index buckets_ = 2, chunks_ = 1;
  std::vector<std::int32_t> chunk_of_;    // heads x hashes x n: each position's chunk per round,
                                          // numbered over the rounds' one sequence
  std::vector<std::uint8_t> has_other_;   // heads x n
  std::vector<std::int32_t> buckets_of_;  // heads x hashes x n: the decisions
  std::vector<std::vector<Index>> bucket_sizes_;
};

const bool kRegistered = register_pattern({
    .name = "reformer",
    .summary = "Reformer LSH: hash, sort by (round, bucket) into one sequence of `hashes` x n, "
               "chunk; own + previous chunk; causal, self only as a fallback; "
               "attend_across_buckets: false: own bucket only",
    .params = {{.name = "chunk",
                .type = ParamType::kInt,
                .default_value = Index{256},
                .help = "chunk length c [C enwik8 256, imagenet64 128]",
                .min = 1},
               {.name = "buckets",
                .type = ParamType::kInt,
                .default_value = Index{0},
                .help = "buckets n_b; 0 = 2 * max(1, n / c) [C trax default]"},
               {.name = "hashes",
                .type = ParamType::kInt,
                .default_value = Index{2},
                .help = "hash rounds n_h [C enwik8 2]",
                .min = 1,
                .max = kMaxHashes},
               causal_param(true, "mask keys after the query by original position"),
               {.name = "attend_across_buckets",
                .type = ParamType::kBool,
                .default_value = true,
                .help = "false: only keys of the query's own bucket (per round) in the two chunks "
                        "[C reformer-pytorch attend_across_buckets]",
                .in_id_at_default = false},
               {.name = "seed",
                .type = ParamType::kInt,
                .default_value = Index{0},
                .help = "seed of the random rotations"},
               replay_param("int32 [hashes, n] bucket ids to replay instead of hashing")},
    .make = [](const Geometry& g,
               const ParamValues& p) { return std::make_unique<Reformer>(g, p); },
    .examples = {{{"chunk", Index{4}}, {"hashes", Index{1}}},
                 {{"chunk", Index{8}}, {"causal", false}},
                 {{"chunk", Index{4}}, {"hashes", Index{3}}, {"attend_across_buckets", false}},
                 {{"chunk", Index{6}}, {"causal", false}, {"attend_across_buckets", false}}},
    .square_only = true,
});

}  // namespace
}  // namespace attnbench
