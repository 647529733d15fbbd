// The one path from "pattern spec + lengths + heads + tiles + inputs" to a ready pattern and its
// block layout. `run`, `mask`, `density`, `gallery`, conformance and the tests all come through
// here, so they build the same mask the same way.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>

#include "core/case.hpp"
#include "core/content_pattern.hpp"
#include "core/layout.hpp"

namespace attnbench {

// Supplies Q and K for a content-dependent pattern; called only when the pattern is one, so
// that callers need not make inputs for a static mask. What it returns must stay valid until
// prepare_mask returns.
using InputSource = std::function<ContentInputs()>;

struct MaskRequest {
  const PatternSpec& spec;
  Index q_len = 0;  // as executed
  Index kv_len = 0;
  int heads = 1;
  Index block_q = 64;
  Index block_kv = 64;
  int threads = 1;  // for the layout build
  // The memory the inputs (when the pattern must make them) and the layout may use; 0: no limit.
  // Beyond it, prepare_mask throws MemoryNeed before allocating.
  std::int64_t budget = 0;
  std::int64_t input_bytes = 0;  // what the InputSource allocates, when it is called
  bool transpose = false;        // also build the layout's transpose (gradient passes), timed
};

struct PreparedPattern {
  std::unique_ptr<Pattern> pattern;
  double prepare_ms = 0;                  // the content-dependent decisions (0 for static masks)
  std::map<std::string, double> balance;  // their bucket / block balance statistics
};

struct PreparedMask : PreparedPattern {
  BlockLayout layout;
  double layout_ms = 0;
};

// Lets a content-dependent pattern decide from `inputs` (timed); a static one is returned as is.
PreparedPattern prepare_pattern(std::unique_ptr<Pattern> pattern, const InputSource& inputs);

// Instantiates the spec, prepares it and builds its layout (timed), then compares the layout
// with a scan of the predicate on sampled tiles. Throws ParamError when the spec does not fit
// the lengths, MemoryNeed when the inputs or the layout (bounded before the build, see
// layout_bound.hpp) would exceed `budget`, and std::runtime_error, naming the pattern, when its
// plugin breaks its contract.
PreparedMask prepare_mask(const MaskRequest& request, const InputSource& inputs);

// The request of a case.
inline MaskRequest mask_request(const Case& c) {
  MaskRequest request{c.pattern,
                      c.q_len,
                      c.kv_len,
                      c.heads(),
                      c.key.block_q,
                      c.key.block_kv,
                      static_cast<int>(c.key.threads)};
  request.transpose = c.key.pass == Pass::kBackward || c.key.pass == Pass::kTrain;
  return request;
}

}  // namespace attnbench
