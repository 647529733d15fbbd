// The kernel of the cache decoders (decode.hpp): split-softmax attention of a few query rows over
// cache slots, a block of slots at a time, masked after scoring. Vector loops: a decode step is a
// matrix-vector product per key-value head, memory-bound when its dot products and exp vectorise.
#include <algorithm>
#include <cmath>
#include <limits>

#include "core/index.hpp"
#include "exec/decode.hpp"
#include "exec/exp_row.hpp"
#include "exec/fast_exp.hpp"

namespace attnbench {

namespace {

constexpr float kMinusInf = -std::numeric_limits<float>::infinity();

void score_block(const float* q, Index rows, Index d, const SlotSpan& slots, Index first, Index n,
                 const std::vector<const std::vector<KeyRange>*>* allowed, float* scores) {
  const float scale = 1.0f / std::sqrt(static_cast<float>(d));
  for (Index j = 0; j < n; ++j) {
    const Index slot = first + j, position = slots.pos[slot];
    const float* key = slots.k + slot * d;
    for (Index r = 0; r < rows; ++r) {
      float dot = 0;
      if (position >= 0) {
        const float* query = q + r * d;
#pragma omp simd reduction(+ : dot)
        for (Index c = 0; c < d; ++c) dot += query[c] * key[c];
      }
      const bool masked = position < 0 || (allowed && !holds(*(*allowed)[to_size(r)], position));
      scores[r * kDecodeSlotBlock + j] = masked ? kMinusInf : dot * scale;
    }
  }
}

// Turns one row's block of scores into weights under the running maximum, rescaling what the
// row has accumulated so far.
void softmax_block(float* s, Index n, Index d, float& max, float& sum, float* acc) {
  float block_max = kMinusInf;
  for (Index j = 0; j < n; ++j) block_max = s[j] > block_max ? s[j] : block_max;
  if (block_max == kMinusInf) {
    std::fill(s, s + n, 0.0f);
    return;
  }
  const float next = std::max(max, block_max);
  const float alpha = fast_exp(max - next);
  if (alpha != 1.0f) {
    sum *= alpha;
#pragma omp simd
    for (Index c = 0; c < d; ++c) acc[c] *= alpha;
  }
  sum += exp_row(s, n, next);
  max = next;
}

}  // namespace

void clear_partial(PartialSoftmax out, Index rows, Index d) {
  std::fill(out.max, out.max + rows, kMinusInf);
  std::fill(out.sum, out.sum + rows, 0.0f);
  std::fill(out.acc, out.acc + rows * d, 0.0f);
}

void attend_slots(const float* q, Index rows, Index d, const SlotSpan& slots,
                  const std::vector<const std::vector<KeyRange>*>* allowed, PartialSoftmax out,
                  float* scores) {
  clear_partial(out, rows, d);
  accumulate_slots(q, rows, d, slots, allowed, out, scores);
}

void accumulate_slots(const float* q, Index rows, Index d, const SlotSpan& slots,
                      const std::vector<const std::vector<KeyRange>*>* allowed, PartialSoftmax out,
                      float* scores) {
  for (Index first = slots.begin; first < slots.end; first += kDecodeSlotBlock) {
    const Index n = std::min(kDecodeSlotBlock, slots.end - first);
    score_block(q, rows, d, slots, first, n, allowed, scores);
    for (Index r = 0; r < rows; ++r) {
      softmax_block(scores + r * kDecodeSlotBlock, n, d, out.max[r], out.sum[r], out.acc + r * d);
    }
    for (Index j = 0; j < n; ++j) {
      if (slots.pos[first + j] < 0) continue;
      const float* value = slots.v + (first + j) * d;
      for (Index r = 0; r < rows; ++r) {
        const float p = scores[r * kDecodeSlotBlock + j];
        if (p == 0.0f) continue;
        float* a = out.acc + r * d;
#pragma omp simd
        for (Index c = 0; c < d; ++c) a[c] += p * value[c];
      }
    }
  }
}

}  // namespace attnbench
