// Decode executors (`pass: decode`): every timed run decodes all steps of a plan from the same
// initial cache, which reset() fills outside the timed region.
//  - sparse: the cache keeps what the plan keeps (eviction applied each step, freed slots
//    reused, so a ring stays a ring); the query heads sharing a key-value head are processed
//    together, so each cached key and value is read once per step; the cache is split into
//    parts attended in parallel and combined at the end (flash-decoding), so every thread has
//    work at any head count.
//  - dense: the usual way: every key is kept in position order; each query head scores every
//    cached key, the mask is applied to the scores afterwards.
//    A block-retrieving pattern (Landmark inference) keeps every key in position order, and
//    each step's rows choose their blocks from the cache inside the timed step (retrieve_rows)
//    and attend only the chosen blocks and their chunk.
//  - recompute (decode_policy), on either executor: each step re-encodes the last W tokens,
//    causal W x W attention through the forward executor, and keeps the step's rows.
#pragma once

#include <memory>
#include <string>

#include "core/cache_policy.hpp"
#include "core/case_key.hpp"
#include "exec/decode_inputs.hpp"

namespace attnbench {

// Cache entries (a key and its value for one key-value head) summed over key-value heads, for
// one batch item, as the executor held them: before the first step, at most, after the last.
struct CacheEntries {
  std::int64_t initial = 0, max = 0, final = 0;
};

class DecodeExecutor {
 public:
  virtual ~DecodeExecutor() = default;
  // The cache as before the first step (untimed).
  virtual void reset() = 0;
  // Every step; `out` is [steps, batch, heads, tokens, d], f32.
  virtual void run(float* out) = 0;
  virtual std::string impl() const = 0;
  // As counted by the last run.
  virtual CacheEntries entries() const = 0;
};

// Bytes the executor allocates: its cache and buffers (not the plan or the step inputs).
std::size_t decode_bytes(ExecutorKind kind, DecodePolicy policy, const DecodePlan& plan,
                         Index batch, Index head_dim);

// `window` is the re-computation's W (recompute only). The plan and inputs must outlive it.
std::unique_ptr<DecodeExecutor> make_decode_executor(ExecutorKind kind, DecodePolicy policy,
                                                     const DecodePlan& plan,
                                                     const DecodeInputs& inputs, int threads);

// Split-softmax attention of `rows` query rows over cache slots, the kernel of both cache
// executors (decode_kernel.cpp; exposed for the micro-benchmark and the tests).
struct PartialSoftmax {
  float* max;  // [rows]
  float* sum;  // [rows]
  float* acc;  // [rows, d]
};
// Slot j holds the key and value at position pos[j] (< 0: free). `allowed(row, position)`, when
// given, masks scores after they are computed.
struct SlotSpan {
  const float* k;
  const float* v;
  const Index* pos;
  Index begin, end;
};
// Whether a position lies in one of a few ranges (a row's mask, a step's keep ranges).
inline bool holds(const std::vector<KeyRange>& ranges, Index position) {
  for (const KeyRange& r : ranges) {
    if (position >= r.begin && position < r.end) return true;
  }
  return false;
}

// `scores` has room for rows x kDecodeSlotBlock floats.
constexpr Index kDecodeSlotBlock = 64;
void attend_slots(const float* q, Index rows, Index d, const SlotSpan& slots,
                  const std::vector<const std::vector<KeyRange>*>* allowed, PartialSoftmax out,
                  float* scores);
// The same in two parts, for rows that attend several spans: clear_partial once, then
// accumulate_slots per span (attend_slots is both).
void clear_partial(PartialSoftmax out, Index rows, Index d);
void accumulate_slots(const float* q, Index rows, Index d, const SlotSpan& slots,
                      const std::vector<const std::vector<KeyRange>*>* allowed, PartialSoftmax out,
                      float* scores);

// The rows of one step's unit choosing their blocks (block retrieval, Landmark inference): row r
// sits at position `first + r % tokens` and its query is queries + r * d; `keys` holds the
// key-value head's keys by position. Buffers reused from step to step.
struct RetrievedRows {
  std::vector<std::vector<KeyRange>> rows;          // per row: the keys it attends
  std::vector<const std::vector<KeyRange>*> masks;  // per row: &rows[r], as attend_slots reads
  std::vector<KeyRange> spans;                      // the union of the rows' keys
  std::vector<std::int32_t> chosen;                 // one row's block ids
};
struct RowsAt {
  Index count = 0, first = 0, tokens = 1;
};
void retrieve_rows(const BlockRetrieval& retrieval, const float* queries, const float* keys,
                   Index d, const RowsAt& at, RetrievedRows& out);

}  // namespace attnbench
