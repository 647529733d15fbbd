// StreamingLLM's baseline (`decode_policy: recompute`): no cache of keys and values; each step
// re-encodes the last W tokens, causal W x W attention through the forward executor (sparse or
// dense), and keeps the rows of the step's tokens. The last W tokens' Q, K and V are held in
// position order (a shift by the step's tokens each step, timed with the attention).
#include <cstring>

#include "core/prepare_mask.hpp"
#include "core/registry.hpp"
#include "exec/decode.hpp"
#include "exec/decode_parts.hpp"
#include "exec/executor.hpp"

namespace attnbench {

namespace {

PatternSpec causal_dense() {
  const PatternInfo* dense = find_pattern("dense");
  PatternSpec spec{.name = "dense", .params = resolve_params(*dense, {{"causal", true}})};
  for (const ParamSpec& p : dense->params) spec.param_order.push_back(p.name);
  return spec;
}

Problem window_problem(const DecodePlan& plan, Index batch, Index head_dim, int threads) {
  const Index w = plan.capacity;
  return Problem{.batch = batch,
                 .heads = plan.shape.heads,
                 .kv_heads = plan.shape.kv_heads,
                 .q_len = w,
                 .kv_len = w,
                 .head_dim = head_dim,
                 .threads = threads};
}

class RecomputeDecoder final : public DecodeExecutor {
 public:
  RecomputeDecoder(ExecutorKind kind, const DecodePlan& plan, const DecodeInputs& inputs,
                   int threads)
      : plan_(plan),
        in_(inputs),
        problem_(window_problem(plan, inputs.batch(), inputs.head_dim(), threads)),
        spec_(causal_dense()),
        mask_(prepare_mask(MaskRequest{spec_, problem_.q_len, problem_.kv_len,
                                       static_cast<int>(problem_.heads), 64, 64, threads},
                           {})),
        executor_(make_executor(kind, problem_, mask_.layout)) {
    window_.q.resize(problem_.q_elements());
    window_.k.resize(problem_.kv_elements());
    window_.v.resize(problem_.kv_elements());
    out_.resize(problem_.q_elements());
  }

  // The window as before the first step: the tokens before its first position.
  void reset() override {
    const Index w = problem_.q_len, t = plan_.shape.tokens, d = problem_.head_dim;
    const Index first = plan_.shape.step_end(0) - w - t;
    fill(window_.q, problem_.heads, DecodeTensor::kQ, first, w, d);
    fill(window_.k, problem_.kv_heads, DecodeTensor::kK, first, w, d);
    fill(window_.v, problem_.kv_heads, DecodeTensor::kV, first, w, d);
    const std::int64_t entries = plan_.shape.kv_heads * w;
    entries_ = {entries, entries, entries};
  }

  void run(float* out) override {
    const DecodeShape& s = plan_.shape;
    const Index w = problem_.q_len, d = problem_.head_dim;
    for (Index step = 0; step < s.steps; ++step) {
      shift(window_.q, in_.q(step), problem_.heads);
      shift(window_.k, in_.k(step), problem_.kv_heads);
      shift(window_.v, in_.v(step), problem_.kv_heads);
      executor_->run(window_, out_.data());
      float* o = out + step * problem_.batch * s.heads * s.tokens * d;
      for (Index bh = 0; bh < problem_.batch * s.heads; ++bh) {
        std::memcpy(o + bh * s.tokens * d, out_.data() + (bh * w + w - s.tokens) * d,
                    sizeof(float) * static_cast<std::size_t>(s.tokens * d));
      }
    }
  }

  std::string impl() const override {
    return "decode: recompute the last " + std::to_string(problem_.q_len) + " tokens, " +
           executor_->impl();
  }
  CacheEntries entries() const override { return entries_; }

 private:
  // Rows [0, w) of every (batch item, head) at positions first, first+1, ... (zeros below 0).
  void fill(std::vector<float>& x, Index heads, DecodeTensor tensor, Index first, Index w,
            Index d) const {
#pragma omp parallel for schedule(static)
    for (Index bh = 0; bh < problem_.batch * heads; ++bh) {
      for (Index j = 0; j < w; ++j) {
        float* row = x.data() + (bh * w + j) * d;
        if (first + j < 0) {
          std::fill(row, row + d, 0.0f);
        } else {
          decode_row(in_.seed(), tensor, bh / heads, bh % heads, first + j, d, row);
        }
      }
    }
  }

  // Drops the oldest `tokens` rows of every (batch item, head) and appends the step's.
  void shift(std::vector<float>& x, const float* fresh, Index heads) const {
    const Index w = problem_.q_len, t = plan_.shape.tokens, d = problem_.head_dim;
#pragma omp parallel for schedule(static)
    for (Index bh = 0; bh < problem_.batch * heads; ++bh) {
      float* slice = x.data() + bh * w * d;
      std::memmove(slice, slice + t * d, sizeof(float) * static_cast<std::size_t>((w - t) * d));
      std::memcpy(slice + (w - t) * d, fresh + bh * t * d,
                  sizeof(float) * static_cast<std::size_t>(t * d));
    }
  }

  const DecodePlan& plan_;
  const DecodeInputs& in_;
  Problem problem_;
  PatternSpec spec_;
  PreparedMask mask_;
  std::unique_ptr<Executor> executor_;
  Tensors window_;
  std::vector<float> out_;
  CacheEntries entries_;
};

// The window's Q, K, V and O, the rows kept, and the forward executor's workspace.
std::size_t recompute_bytes(ExecutorKind kind, const DecodePlan& plan, Index batch,
                            Index head_dim) {
  const Problem p = window_problem(plan, batch, head_dim, 2);
  return 2 * p.io_bytes() + workspace_bytes(kind, p, LayoutShape{p.q_len, p.kv_len, 64, 64});
}

}  // namespace

const DecoderRecipe kRecomputeDecoder{&make_decoder<RecomputeDecoder>, &recompute_bytes};

}  // namespace attnbench
