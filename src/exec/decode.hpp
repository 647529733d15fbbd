// Decode executors (`pass: decode`): every timed run decodes all steps of a plan from the same
// initial cache, which reset() fills outside the timed region.
//  - sparse: the cache keeps what the plan keeps (eviction applied each step, freed slots
//    reused, so a ring stays a ring); the query heads sharing a key-value head are processed
//    together, so each cached key and value is read once per step; the cache is split into
//    parts attended in parallel and combined at the end (flash-decoding), so every thread has
//    work at any head count.
//  - dense: the usual way: every key is kept in position order; each query head scores every
//    cached key, the mask is applied to the scores afterwards.
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
// executors (exposed for the micro-benchmark and the tests).
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
void attend_slots(const float* q, Index rows, Index d, const SlotSpan& slots,
                  const std::vector<const std::vector<KeyRange>*>* allowed, PartialSoftmax out,
                  float* scores);

}  // namespace attnbench
