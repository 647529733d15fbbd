// read_replay, the plugin API's way to a replay file, on the engine's checked .npy reader.
#include <attnbench/errors.hpp>
#include <attnbench/replay.hpp>

#include <map>
#include <mutex>
#include <utility>

#include "core/npy_read.hpp"

namespace attnbench {

// A sweep builds the pattern once per case: the file is read and checked once per shape, so
// every case of a run replays the same decisions even if the file changes meanwhile (its digest,
// taken when the config loaded, is what `--resume` compares).
std::vector<std::int32_t> read_replay(const std::string& path,
                                      const std::vector<std::int64_t>& shape) {
  static std::mutex mutex;
  static std::map<std::pair<std::string, std::vector<std::int64_t>>, std::vector<std::int32_t>>
      read;
  const std::lock_guard lock(mutex);
  auto key = std::make_pair(path, shape);
  if (auto it = read.find(key); it != read.end()) return it->second;
  try {
    return read.emplace(std::move(key), read_npy_int32(path, shape)).first->second;
  } catch (const NpyError& e) {
    throw ParamError("replay", e.what());
  }
}

}  // namespace attnbench
