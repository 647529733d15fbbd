#include "exec/decode.hpp"

namespace attnbench {

// decode_cache.cpp and decode_recompute.cpp.
std::unique_ptr<DecodeExecutor> make_cache_decoder(bool evicting, const DecodePlan& plan,
                                                   const DecodeInputs& inputs, int threads);
std::size_t cache_decoder_bytes(bool evicting, const DecodePlan& plan, Index batch, Index head_dim);
std::unique_ptr<DecodeExecutor> make_recompute_decoder(ExecutorKind kind, const DecodePlan& plan,
                                                       const DecodeInputs& inputs, int threads);
std::size_t recompute_decoder_bytes(ExecutorKind kind, const DecodePlan& plan, Index batch,
                                    Index head_dim);

std::size_t decode_bytes(ExecutorKind kind, DecodePolicy policy, const DecodePlan& plan,
                         Index batch, Index head_dim) {
  if (policy == DecodePolicy::kRecompute)
    return recompute_decoder_bytes(kind, plan, batch, head_dim);
  return cache_decoder_bytes(kind == ExecutorKind::kSparse, plan, batch, head_dim);
}

std::unique_ptr<DecodeExecutor> make_decode_executor(ExecutorKind kind, DecodePolicy policy,
                                                     const DecodePlan& plan,
                                                     const DecodeInputs& inputs, int threads) {
  if (policy == DecodePolicy::kRecompute)
    return make_recompute_decoder(kind, plan, inputs, threads);
  return make_cache_decoder(kind == ExecutorKind::kSparse, plan, inputs, threads);
}

}  // namespace attnbench
