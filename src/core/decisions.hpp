// What a content-dependent pattern decided from its inputs, as plain data in the shape its
// `replay` parameter reads, so that a result on real activations can be reproduced without
// them. A pattern offers it by deriving from RecordsDecisions too (a separate base, so that
// ContentPattern, and with it the plugin ABI, is unchanged); the runner writes the decisions
// next to the record (`decisions` field).
#pragma once

#include <cstdint>
#include <vector>

namespace attnbench {

struct ReplayDecisions {
  std::vector<std::int64_t> shape;
  std::vector<std::int32_t> values;  // C order
};

class RecordsDecisions {
 public:
  virtual ~RecordsDecisions() = default;
  // Valid after prepare() (or a replay); the array `replay` reads back into the same mask.
  virtual ReplayDecisions decisions() const = 0;
};

}  // namespace attnbench
