// Reading a `replay` file: recorded decisions (buckets, block choices, ...) that a content-
// dependent pattern uses instead of deciding from the data, so that its mask is reproducible.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace attnbench {

// The int32 .npy at `path`, which must have exactly `shape` (a -1 entry matches any size). A
// missing or malformed file, or another shape, is a ParamError on `replay` naming the file and
// what was expected. Each (path, shape) is read once per run and then served from memory, so
// every case of a sweep replays the same decisions.
std::vector<std::int32_t> read_replay(const std::string& path,
                                      const std::vector<std::int64_t>& shape);

}  // namespace attnbench
