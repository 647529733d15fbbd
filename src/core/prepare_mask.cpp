#include "core/prepare_mask.hpp"

#include <fmt/format.h>

#include <chrono>
#include <stdexcept>

#include "core/composite.hpp"

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
  static_cast<PreparedPattern&>(mask) = prepare_pattern(
      instantiate(request.spec, request.q_len, request.kv_len, request.heads), inputs);
  const auto start = Clock::now();
  mask.layout = build_layout(
      *mask.pattern, LayoutShape{request.q_len, request.kv_len, request.block_q, request.block_kv},
      request.threads);
  mask.layout_ms = ms_since(start);
  // A plugin whose fast paths disagree with its predicate would give a silently wrong mask.
  if (const std::optional<std::string> wrong =
          check_layout_sample(*mask.pattern, mask.layout, 16)) {
    throw std::runtime_error(fmt::format("pattern {}: {}", request.spec.name, *wrong));
  }
  return mask;
}

}  // namespace attnbench
