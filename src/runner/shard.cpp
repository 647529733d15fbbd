#include "runner/shard.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <map>
#include <set>

#include "core/errors.hpp"
#include "runner/baseline.hpp"

namespace attnbench {

namespace {

std::optional<int> to_int(const std::string& text) {
  int value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

}  // namespace

// Dense work of the case at its executed lengths: the key's shape over its lengths.
double predicted_cost(const Case& c) {
  if (!c.skip_reason.empty()) return 0;  // recorded skipped, nothing run
  const CaseKey& k = c.key;
  return static_cast<double>(k.batch * k.heads * k.head_dim) * static_cast<double>(c.q_len) *
         static_cast<double>(c.kv_len);
}

Shard parse_shard(const std::string& text, const std::string& source) {
  const std::size_t slash = text.find('/');
  const std::optional<int> k =
      slash == std::string::npos ? std::nullopt : to_int(text.substr(0, slash));
  const std::optional<int> n =
      slash == std::string::npos ? std::nullopt : to_int(text.substr(slash + 1));
  if (!k || !n || *n < 1 || *k < 1 || *k > *n) {
    throw InputError(SourceLocation{source, 0, 0}, "",
                     fmt::format("expected K/N with 1 <= K <= N, got '{}'", text));
  }
  return Shard{*k, *n};
}

std::optional<Shard> shard_from_slurm() {
  const char* id = std::getenv("SLURM_ARRAY_TASK_ID");
  const char* count = std::getenv("SLURM_ARRAY_TASK_COUNT");
  if (id == nullptr || count == nullptr) return std::nullopt;
  const char* first = std::getenv("SLURM_ARRAY_TASK_MIN");
  const char* step_text = std::getenv("SLURM_ARRAY_TASK_STEP");  // --array=0-20:10 has step 10
  const std::optional<int> task = to_int(id), total = to_int(count),
                           min = to_int(first ? first : "0"),
                           step = to_int(step_text ? step_text : "1");
  if (!task || !total || !min || !step || *step < 1) {
    throw InputError(SourceLocation{"SLURM_ARRAY_TASK_ID", 0, 0}, "",
                     "the Slurm array variables are not integers");
  }
  if ((*task - *min) % *step != 0) {
    throw InputError(SourceLocation{"SLURM_ARRAY_TASK_ID", 0, 0}, "",
                     fmt::format("task {} is not on the array's grid (first {}, step {}); give "
                                 "--shard K/N",
                                 *task, *min, *step));
  }
  return parse_shard(fmt::format("{}/{}", (*task - *min) / *step + 1, *total),
                     "SLURM_ARRAY_TASK_ID");
}

// Whole baseline groups are dealt out, heaviest first, each to the lightest shard, so that a
// baseline and every case measured against it run in one shard (and the baseline once).
std::vector<const Case*> shard_cases(const std::vector<const Case*>& cases, const Shard& shard) {
  std::map<std::string, double> group_cost;
  std::vector<std::string> groups;  // in first-seen order, for a deterministic tie-break
  for (const Case* c : cases) {
    const std::string group = baseline_group(*c);
    if (!group_cost.count(group)) groups.push_back(group);
    group_cost[group] += predicted_cost(*c);
  }
  std::stable_sort(groups.begin(), groups.end(), [&](const std::string& a, const std::string& b) {
    return group_cost[a] > group_cost[b];
  });
  std::vector<double> load(static_cast<std::size_t>(shard.count), 0.0);
  std::set<std::string> mine;
  for (const std::string& group : groups) {
    const auto lightest =
        static_cast<std::size_t>(std::min_element(load.begin(), load.end()) - load.begin());
    load[lightest] += group_cost[group];
    if (static_cast<int>(lightest) + 1 == shard.index) mine.insert(group);
  }
  std::vector<const Case*> selected;
  for (const Case* c : cases) {
    if (mine.count(baseline_group(*c))) selected.push_back(c);
  }
  return selected;
}

}  // namespace attnbench
