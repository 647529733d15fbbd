#include "core/common_params.hpp"

#include <map>
#include <mutex>
#include <utility>

#include "core/errors.hpp"
#include "core/npy_read.hpp"

namespace attnbench {

ParamSpec causal_param(bool default_value, std::string help) {
  return ParamSpec{.name = "causal",
                   .type = ParamType::kBool,
                   .default_value = default_value,
                   .help = std::move(help)};
}

ParamSpec exclude_self_param() {
  return ParamSpec{.name = "exclude_self",
                   .type = ParamType::kBool,
                   .default_value = false,
                   .help = "the query's own key only when no other key is visible (shared QK)",
                   .in_id_at_default = false};
}

ParamSpec replay_param(std::string what) {
  return ParamSpec{.name = "replay",
                   .type = ParamType::kString,
                   .default_value = std::string(""),
                   .help = std::move(what)};
}

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
