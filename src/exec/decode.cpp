#include "exec/decode.hpp"

#include "exec/decode_parts.hpp"

namespace attnbench {

namespace {

const DecoderRecipe& recipe(DecodePolicy policy) {
  return policy == DecodePolicy::kRecompute ? kRecomputeDecoder : kCacheDecoder;
}

}  // namespace

std::size_t decode_bytes(ExecutorKind kind, DecodePolicy policy, const DecodePlan& plan,
                         Index batch, Index head_dim) {
  return recipe(policy).bytes(kind, plan, batch, head_dim);
}

std::unique_ptr<DecodeExecutor> make_decode_executor(ExecutorKind kind, DecodePolicy policy,
                                                     const DecodePlan& plan,
                                                     const DecodeInputs& inputs, int threads) {
  return recipe(policy).make(kind, plan, inputs, threads);
}

}  // namespace attnbench
