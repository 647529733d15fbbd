// The cache executors of `pass: decode` (decode.hpp): sparse (evicting, grouped query heads,
// split over the cache; block retrieval chosen per step) and dense (every key, per query head,
// masked after scoring). The kernel is decode_kernel.cpp's.
#include <fmt/format.h>
#include <omp.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>

#include "core/index.hpp"
#include "exec/decode.hpp"
#include "exec/decode_parts.hpp"
#include "exec/fast_exp.hpp"

namespace attnbench {

namespace {

constexpr float kMinusInf = -std::numeric_limits<float>::infinity();

class CacheDecoder final : public DecodeExecutor {
 public:
  // sparse: evicting, grouped; dense: every key, per query head.
  CacheDecoder(ExecutorKind kind, const DecodePlan& plan, const DecodeInputs& inputs, int threads)
      : evicting_(kind == ExecutorKind::kSparse),
        retrieval_(evicting_ ? plan.retrieval : std::nullopt),
        in_order_(!evicting_ || retrieval_),
        plan_(plan),
        in_(inputs),
        shape_(plan.shape),
        d_(inputs.head_dim()) {
    capacity_ = in_order_ ? shape_.final_length() : std::max<Index>(plan.capacity, 1);
    const Index batch = in_.batch();
    k_.resize(static_cast<std::size_t>(batch * shape_.kv_heads * capacity_ * d_));
    v_.resize(k_.size());
    pos_.resize(static_cast<std::size_t>(shape_.kv_heads * capacity_));
    free_.resize(static_cast<std::size_t>(shape_.kv_heads));
    high_.resize(free_.size());
    occupied_.resize(free_.size());
    rows_ = evicting_ ? shape_.group() * shape_.tokens : shape_.tokens;
    units_ = batch * (evicting_ ? shape_.kv_heads : shape_.heads);
    // When the key-value heads divide among the threads, each thread owns its heads for every
    // step: one parallel region per run and no barrier per step (on a loaded machine a barrier
    // waits for a descheduled thread's next time slice, which made steps 10-40x slower). Else
    // the cache is split into enough parts for every thread several times over (none shorter
    // than 256 slots), combined at the end of each step; the usual way (dense) does not split,
    // nor does block retrieval (a few blocks per row, wherever they lie in the cache).
    fused_ = shape_.kv_heads % threads == 0;
    const Index wanted = (4 * threads + units_ - 1) / units_;
    splits_ = evicting_ && !fused_ && !retrieval_
                  ? std::clamp<Index>(wanted, 1, std::max<Index>(1, capacity_ / 256))
                  : 1;
    own_max_.resize(static_cast<std::size_t>(threads * rows_));
    own_sum_.resize(own_max_.size());
    own_acc_.resize(own_max_.size() * static_cast<std::size_t>(d_));
    entries_at_.resize(static_cast<std::size_t>(shape_.steps * shape_.kv_heads));
    const Index items = units_ * splits_;
    part_max_.resize(static_cast<std::size_t>(items * rows_));
    part_sum_.resize(part_max_.size());
    part_acc_.resize(part_max_.size() * static_cast<std::size_t>(d_));
    scores_.resize(static_cast<std::size_t>(threads * rows_ * kDecodeSlotBlock));
    masks_.resize(static_cast<std::size_t>(threads));
    retrieved_.resize(static_cast<std::size_t>(threads));
    impl_ = describe();
  }

  void reset() override {
#pragma omp parallel for schedule(dynamic)
    for (Index g = 0; g < shape_.kv_heads; ++g) reset_head(g);
    entries_ = {count(), count(), count()};
  }

  void run(float* out) override {
    if (fused_) return run_owned(out);
    for (Index step = 0; step < shape_.steps; ++step) {
#pragma omp parallel for schedule(dynamic)
      for (Index g = 0; g < shape_.kv_heads; ++g) update_head(g, step);
      entries_.max = std::max(entries_.max, count());
      attend(step, out + step * in_.batch() * shape_.heads * shape_.tokens * d_);
    }
    entries_.final = count();
  }

  std::string impl() const override { return impl_; }
  CacheEntries entries() const override { return entries_; }

 private:
  std::string describe() const {
    const std::string spread =
        fused_ ? "key-value heads spread over threads, one parallel region for all steps"
               : fmt::format("cache split in {} part(s) per step", splits_);
    if (!evicting_) {
      return fmt::format("decode: vector loops, per query head, every key kept, masked after, {}",
                         spread);
    }
    const std::string grouped = "decode: vector loops, query heads grouped by key-value head, ";
    if (!retrieval_) return grouped + spread + ", eviction";
    return fmt::format(
        "{}{}, every key kept; each step scores the cached landmarks and attends the top {} "
        "blocks of {} and the chunk's keys",
        grouped, spread, retrieval_->top_k, retrieval_->block);
  }

  float* k_at(Index b, Index g, Index slot) {
    return k_.data() + ((b * shape_.kv_heads + g) * capacity_ + slot) * d_;
  }
  float* v_at(Index b, Index g, Index slot) {
    return v_.data() + ((b * shape_.kv_heads + g) * capacity_ + slot) * d_;
  }
  Index* pos_of(Index g) { return pos_.data() + g * capacity_; }
  std::size_t gi(Index g) const { return static_cast<std::size_t>(g); }

  void place(Index g, Index slot, Index position) {
    pos_of(g)[slot] = position;
    high_[gi(g)] = std::max(high_[gi(g)], slot + 1);
    occupied_[gi(g)] += 1;
  }

  void reset_head(Index g) {
    Index* pos = pos_of(g);
    std::fill(pos, pos + capacity_, Index{-1});
    high_[gi(g)] = 0, occupied_[gi(g)] = 0;
    std::vector<Index>& free = free_[gi(g)];
    free.clear();
    for (Index slot = capacity_ - 1; slot >= 0; --slot) free.push_back(slot);
    const std::vector<KeyRange> all{{0, shape_.initial}};
    const std::vector<KeyRange>& keep =
        in_order_ ? all : plan_.initial_keep[plan_.initial_keep.size() == 1 ? 0 : gi(g)];
    for (const KeyRange& r : keep) {
      for (Index p = r.begin; p < r.end; ++p) {
        const Index slot = in_order_ ? p : take(g);
        place(g, slot, p);
        for (Index b = 0; b < in_.batch(); ++b) {
          decode_row(in_.seed(), DecodeTensor::kK, b, g, p, d_, k_at(b, g, slot));
          decode_row(in_.seed(), DecodeTensor::kV, b, g, p, d_, v_at(b, g, slot));
        }
      }
    }
  }

  Index take(Index g) {
    std::vector<Index>& free = free_[gi(g)];
    const Index slot = free.back();
    free.pop_back();
    return slot;
  }

  // Evicts what the step no longer keeps, then appends the step's tokens that it keeps.
  void update_head(Index g, Index step) {
    const Index begin = shape_.step_begin(step);
    const std::vector<KeyRange>& keep = plan_.steps[static_cast<std::size_t>(step)].keep_of(g);
    Index* pos = pos_of(g);
    if (!in_order_) {
      for (Index slot = 0; slot < high_[gi(g)]; ++slot) {
        if (pos[slot] >= 0 && !holds(keep, pos[slot])) {
          pos[slot] = -1;
          free_[gi(g)].push_back(slot);
          occupied_[gi(g)] -= 1;
        }
      }
    }
    for (Index t = 0; t < shape_.tokens; ++t) {
      if (!in_order_ && !holds(keep, begin + t)) continue;
      const Index slot = in_order_ ? begin + t : take(g);
      place(g, slot, begin + t);
      for (Index b = 0; b < in_.batch(); ++b) {
        const Index row = (b * shape_.kv_heads + g) * shape_.tokens + t;
        std::memcpy(k_at(b, g, slot), in_.k(step) + row * d_, sizeof(float) * to_size(d_));
        std::memcpy(v_at(b, g, slot), in_.v(step) + row * d_, sizeof(float) * to_size(d_));
      }
    }
  }

  std::int64_t count() const {
    std::int64_t total = 0;
    for (Index n : occupied_) total += n;
    return total;
  }

  // Each thread decodes its own key-value heads through every step.
  void run_owned(float* out) {
#pragma omp parallel
    {
      const int thread = omp_get_thread_num(), threads = omp_get_num_threads();
      for (Index step = 0; step < shape_.steps; ++step) {
        float* step_out = out + step * in_.batch() * shape_.heads * shape_.tokens * d_;
        for (Index g = thread; g < shape_.kv_heads; g += threads) {
          update_head(g, step);
          entries_at_[static_cast<std::size_t>(step * shape_.kv_heads + g)] = occupied_[gi(g)];
          for (Index b = 0; b < in_.batch(); ++b) attend_owned(step, b, g, thread, step_out);
        }
      }
    }
    for (Index step = 0; step < shape_.steps; ++step) {
      std::int64_t total = 0;
      for (Index g = 0; g < shape_.kv_heads; ++g)
        total += entries_at_[static_cast<std::size_t>(step * shape_.kv_heads + g)];
      entries_.max = std::max(entries_.max, total);
      entries_.final = total;
    }
  }

  // Key-value head g of batch item b, by one thread: its query heads together (sparse) or one
  // after the other (dense), straight into O.
  void attend_owned(Index step, Index b, Index g, int thread, float* out) {
    const Index units = evicting_ ? 1 : shape_.group(),
                heads_per_unit = evicting_ ? shape_.group() : 1;
    const std::size_t at = static_cast<std::size_t>(thread * rows_);
    const PartialSoftmax partial{&own_max_[at], &own_sum_[at], &own_acc_[at * to_size(d_)]};
    for (Index unit = 0; unit < units; ++unit) {
      const Index first_head = g * shape_.group() + unit * heads_per_unit;
      attend_unit({step, b, first_head, thread}, 0, high_[gi(g)], partial);
      const Index offset = (b * shape_.heads + first_head) * shape_.tokens * d_;
      for (Index r = 0; r < rows_; ++r) {
        float* o = out + offset + r * d_;
        const float inverse = partial.sum[r] > 0 ? 1.0f / partial.sum[r] : 0.0f;
#pragma omp simd
        for (Index c = 0; c < d_; ++c) o[c] = partial.acc[r * d_ + c] * inverse;
      }
    }
  }

  // Unit u is (batch item, key-value head) for sparse, (batch item, query head) for dense; its
  // rows are consecutive in Q and O either way ([batch, heads, tokens, d]).
  void attend(Index step, float* out) {
    const Index heads_per_unit = evicting_ ? shape_.group() : 1;
    const Index items = units_ * splits_;
#pragma omp parallel for schedule(dynamic)
    for (Index item = 0; item < items; ++item) {
      const Index unit = item / splits_, part = item % splits_;
      const Index per_batch = units_ / in_.batch();
      const Index b = unit / per_batch, first_head = unit % per_batch * heads_per_unit;
      const Index high = high_[gi(first_head / shape_.group())];
      const std::size_t at = static_cast<std::size_t>(item * rows_);
      attend_unit({step, b, first_head, omp_get_thread_num()}, high * part / splits_,
                  high * (part + 1) / splits_,
                  PartialSoftmax{&part_max_[at], &part_sum_[at], &part_acc_[at * to_size(d_)]});
    }
#pragma omp parallel for schedule(static)
    for (Index unit = 0; unit < units_; ++unit) combine(unit, out + unit * rows_ * d_);
  }

  // The rows of a unit: query heads from first_head on (a key-value head's group, or one head)
  // of one batch item at one step, attended by one thread.
  struct Unit {
    Index step, b, first_head;
    int thread;
  };

  // The unit's rows over slots [begin, end) of their key-value head, masked by the plan where
  // the step's rows do not all see exactly the cache; retrieving, over the keys they choose.
  void attend_unit(const Unit& u, Index begin, Index end, PartialSoftmax partial) {
    if (retrieval_) return attend_retrieved(u, partial);
    const DecodeStep& plan_step = plan_.steps[static_cast<std::size_t>(u.step)];
    const bool masked = !evicting_ || !plan_step.exact;
    std::vector<const std::vector<KeyRange>*>& mask = masks_[static_cast<std::size_t>(u.thread)];
    mask.clear();
    for (Index r = 0; masked && r < rows_; ++r) {
      mask.push_back(&plan_step.allowed_of(u.first_head + r / shape_.tokens, r % shape_.tokens));
    }
    const Index g = u.first_head / shape_.group();
    attend_slots(query_of(u, u.b), rows_, d_,
                 SlotSpan{k_at(u.b, g, 0), v_at(u.b, g, 0), pos_of(g), begin, end},
                 masked ? &mask : nullptr, partial, scores_of(u.thread));
  }

  // Chooses the rows' blocks from the cache (slot = position here), then attends each span of
  // their union. Batch item 0's queries and keys choose for every batch item, as a forward
  // pass's prepare() decides from batch item 0; each item still pays for its own scoring.
  void attend_retrieved(const Unit& u, PartialSoftmax partial) {
    const Index g = u.first_head / shape_.group();
    RetrievedRows& rows = retrieved_[static_cast<std::size_t>(u.thread)];
    retrieve_rows(*retrieval_, query_of(u, 0), k_at(0, g, 0), d_,
                  RowsAt{rows_, shape_.step_begin(u.step), shape_.tokens}, rows);
    clear_partial(partial, rows_, d_);
    for (const KeyRange& span : rows.spans) {
      accumulate_slots(query_of(u, u.b), rows_, d_,
                       SlotSpan{k_at(u.b, g, 0), v_at(u.b, g, 0), pos_of(g), span.begin, span.end},
                       &rows.masks, partial, scores_of(u.thread));
    }
  }

  const float* query_of(const Unit& u, Index b) const {
    return in_.q(u.step) + (b * shape_.heads + u.first_head) * shape_.tokens * d_;
  }
  float* scores_of(int thread) {
    return scores_.data() + static_cast<std::size_t>(thread * rows_ * kDecodeSlotBlock);
  }

  // The parts' partial softmaxes of one unit into its output rows.
  void combine(Index unit, float* out) const {
    for (Index r = 0; r < rows_; ++r) {
      float top = kMinusInf;
      for (Index part = 0; part < splits_; ++part)
        top = std::max(top, part_max_[at(unit, part, r)]);
      float* o = out + r * d_;
      std::fill(o, o + d_, 0.0f);
      if (top == kMinusInf) continue;  // no allowed key: zeros, as the forward executors
      float total = 0;
      for (Index part = 0; part < splits_; ++part) {
        const std::size_t i = at(unit, part, r);
        const float w = fast_exp(part_max_[i] - top);
        total += w * part_sum_[i];
        const float* acc = &part_acc_[i * static_cast<std::size_t>(d_)];
#pragma omp simd
        for (Index c = 0; c < d_; ++c) o[c] += w * acc[c];
      }
      const float inverse = total > 0 ? 1.0f / total : 0.0f;
#pragma omp simd
      for (Index c = 0; c < d_; ++c) o[c] *= inverse;
    }
  }
  std::size_t at(Index unit, Index part, Index r) const {
    return static_cast<std::size_t>((unit * splits_ + part) * rows_ + r);
  }

  bool evicting_;
  std::optional<BlockRetrieval> retrieval_;  // sparse only
  bool in_order_;                            // slot = position: nothing is evicted
  const DecodePlan& plan_;
  const DecodeInputs& in_;
  DecodeShape shape_;
  Index d_, capacity_ = 0, rows_ = 0, units_ = 0, splits_ = 1;
  bool fused_ = false;
  std::vector<float> own_max_, own_sum_, own_acc_;  // per thread: one unit's partial softmax
  std::vector<std::int64_t> entries_at_;            // per (step, key-value head)
  std::vector<float> k_, v_;
  std::vector<Index> pos_;                // per key-value head: the position in each slot, -1 free
  std::vector<std::vector<Index>> free_;  // per key-value head: free slots (a stack)
  std::vector<Index> high_, occupied_;    // per key-value head: slots in use below; entries
  std::vector<float> part_max_, part_sum_, part_acc_, scores_;
  std::vector<std::vector<const std::vector<KeyRange>*>> masks_;  // per thread
  std::vector<RetrievedRows> retrieved_;                          // per thread
  CacheEntries entries_;
  std::string impl_;
};

std::size_t cache_bytes(ExecutorKind kind, const DecodePlan& plan, Index batch, Index head_dim) {
  const DecodeShape& s = plan.shape;
  const bool evicting = kind == ExecutorKind::kSparse;
  const Index capacity = evicting && !plan.retrieval ? plan.capacity : s.final_length();
  const Index rows = evicting ? s.group() * s.tokens : s.tokens;
  // Keys and values, slot positions, and the partial softmaxes of every part of every query
  // row (a unit is split in at most one part per 256 slots) and one thread's scores.
  const Index parts = batch * s.heads * s.tokens * std::max<Index>(1, capacity / 256);
  return static_cast<std::size_t>(4 * 2 * batch * s.kv_heads * capacity * head_dim +
                                  8 * s.kv_heads * capacity + 4 * parts * (head_dim + 2) +
                                  4 * rows * kDecodeSlotBlock);
}

}  // namespace

const DecoderRecipe kCacheDecoder{&make_decoder<CacheDecoder>, &cache_bytes};

}  // namespace attnbench
