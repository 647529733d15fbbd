// StreamingLLM (Xiao et al. 2023): attention sinks plus a recent window, causal. Keys get their
// cache-slot positions (pos-shift), so a sink looks adjacent to the window (patterns.md §12).
#include "core/lambda_mask.hpp"
#include "core/registry.hpp"

namespace attnbench {
namespace {

class StreamingLlm final : public IntervalPattern {
 public:
  StreamingLlm(const Geometry& g, const ParamValues& p)
      : IntervalPattern(g), sinks_(p.get_int("sinks")), window_(p.get_int("window")) {}

  void key_intervals(int, Index q, Intervals& out) const override {
    lambda_intervals(q, window_, sinks_, out);
  }

  // Window keys keep i - j; once the cache is full a sink j sits at slot j and the query at
  // slot sinks + window - 1.
  Index relative_position(int, Index q, Index k) const override {
    const Index last_slot = sinks_ + window_ - 1;
    if (q - k < window_ || q < last_slot) return q - k;
    return last_slot - k;
  }

  std::optional<Index> closed_form_pairs(int) const override {
    if (!is_square(geometry())) return std::nullopt;
    return lambda_pairs(geometry().q_len, window_, sinks_);
  }

 private:
  Index sinks_, window_;
};

const bool kRegistered = register_pattern({
    .name = "streaming_llm",
    .summary = "StreamingLLM: causal, `sinks` first keys + the `window` most recent keys (self "
               "included); cache-slot positions (--positions)",
    .params = {{.name = "sinks",
                .type = ParamType::kInt,
                .default_value = Index{4},
                .help = "attention-sink keys at the start [C demo default 4]"},
               {.name = "window",
                .type = ParamType::kInt,
                .default_value = Index{2000},
                .help = "recent keys including self [C demo: recent 2000]",
                .min = 1}},
    .make = [](const Geometry& g,
               const ParamValues& p) { return std::make_unique<StreamingLlm>(g, p); },
    .examples = {{{"sinks", Index{2}}, {"window", Index{4}}},
                 {{"sinks", Index{3}}, {"window", Index{30}}}},
});

}  // namespace
}  // namespace attnbench
