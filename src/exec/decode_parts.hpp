// How decode.cpp builds a decode executor: one recipe per way of decoding (a key-value cache,
// decode_cache.cpp; re-computation, decode_recompute.cpp), each making its executor and saying
// beforehand how many bytes it will allocate. Internal to exec.
#pragma once

#include <cstddef>
#include <memory>

#include "exec/decode.hpp"

namespace attnbench {

struct DecoderRecipe {
  std::unique_ptr<DecodeExecutor> (*make)(ExecutorKind kind, const DecodePlan& plan,
                                          const DecodeInputs& inputs, int threads);
  std::size_t (*bytes)(ExecutorKind kind, const DecodePlan& plan, Index batch, Index head_dim);
};

extern const DecoderRecipe kCacheDecoder, kRecomputeDecoder;

// A recipe's `make` for a decoder class constructed from the same four arguments.
template <class Decoder>
std::unique_ptr<DecodeExecutor> make_decoder(ExecutorKind kind, const DecodePlan& plan,
                                             const DecodeInputs& inputs, int threads) {
  return std::make_unique<Decoder>(kind, plan, inputs, threads);
}

}  // namespace attnbench
