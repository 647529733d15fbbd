#include "core/prepare_mask.hpp"

#include <fmt/format.h>

#include <chrono>
#include <stdexcept>

#include "core/composite.hpp"
#include "core/layout_bound.hpp"

namespace attnbench {

namespace {

using Clock = std::chrono::steady_clock;

double ms_since(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

}  // namespace

PreparedPattern prepare_pattern(std::unique_ptr<Pattern> pattern, const InputSource& inputs) {
  PreparedPattern prepared;
  if (auto* content = dynamic_cast<ContentPattern*>(pattern.get())) {
    if (!inputs) throw std::invalid_argument("this pattern decides from Q and K: give it inputs");
    const ContentInputs q_and_k = inputs();
    const auto start = Clock::now();
    content->prepare(q_and_k);
    prepared.prepare_ms = ms_since(start);
    prepared.balance = content->balance();
  }
  prepared.pattern = std::move(pattern);
  return prepared;
}

PreparedMask prepare_mask(const MaskRequest& request, const InputSource& inputs) {
  PreparedMask mask;
  std::unique_ptr<Pattern> pattern =
      instantiate(request.spec, request.q_len, request.kv_len, request.heads);
  const bool content = dynamic_cast<const ContentPattern*>(pattern.get()) != nullptr;
  const std::int64_t input_bytes = content ? request.input_bytes : 0;
  const bool limited = request.budget > 0;
  if (limited && input_bytes > request.budget) {
    throw MemoryNeed("its inputs", input_bytes, request.budget, false);
  }
  static_cast<PreparedPattern&>(mask) = prepare_pattern(std::move(pattern), inputs);
  const LayoutShape shape{request.q_len, request.kv_len, request.block_q, request.block_kv};
  if (limited) {
    const LayoutBound bound = bound_layout(*mask.pattern, shape, request.budget - input_bytes);
    if (bound.stopped) {
      throw MemoryNeed(content ? "its inputs and layout" : "its layout", input_bytes + bound.bytes,
                       request.budget, true);
    }
  }
  const auto start = Clock::now();
  mask.layout = build_layout(*mask.pattern, shape, request.threads);
  if (request.transpose) add_transpose(mask.layout);
  mask.layout_ms = ms_since(start);
  // A plugin whose fast paths disagree with its predicate would give a silently wrong mask.
  if (const std::optional<std::string> wrong =
          check_layout_sample(*mask.pattern, mask.layout, 16)) {
    throw std::runtime_error(fmt::format("pattern {}: {}", request.spec.name, *wrong));
  }
  return mask;
}

}  // namespace attnbench
