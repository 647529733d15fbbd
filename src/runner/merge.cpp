#include "runner/merge.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <set>

#include "core/errors.hpp"
#include "report/write_reports.hpp"
#include "results/record.hpp"
#include "runner/results_file.hpp"

namespace attnbench {

namespace {

[[noreturn]] void refuse(const std::string& where, const std::string& why) {
  throw InputError(SourceLocation{where, 0, 0}, "", why);
}

void check_shards(const std::vector<std::string>& dirs, const std::vector<RunResults>& runs) {
  const RunContext& first = runs.front().context;
  std::set<std::string> shards;
  std::size_t total = 0;
  for (std::size_t i = 0; i < runs.size(); ++i) {
    const RunContext& c = runs[i].context;
    if (c.config_hash != first.config_hash)
      refuse(dirs[i], "a shard of another config (its hash differs)");
    if (c.shard.empty()) refuse(dirs[i], "not a sharded run (run it with --shard K/N)");
    if (c.mode != first.mode) {
      refuse(dirs[i], fmt::format("a shard run in mode {}, the first in mode {}", to_string(c.mode),
                                  to_string(first.mode)));
    }
    if (!shards.insert(c.shard).second)
      refuse(dirs[i], fmt::format("shard {} given twice", c.shard));
    const auto cases = static_cast<std::int64_t>(
        std::count_if(runs[i].cases.begin(), runs[i].cases.end(),
                      [](const CaseRecord& r) { return !r.is_baseline; }));
    if (cases != c.shard_cases) {
      refuse(dirs[i],
             cases < c.shard_cases
                 ? fmt::format("shard {} is incomplete: {} of its {} cases recorded (finish it "
                               "with --resume)",
                               c.shard, cases, c.shard_cases)
                 : fmt::format("shard {} holds {} case records, more than the {} of its share",
                               c.shard, cases, c.shard_cases));
    }
    total += static_cast<std::size_t>(cases);
    for (const auto& [what, a, b] :
         {std::tuple{"CPU", first.cpu_model, c.cpu_model},
          std::tuple{"oneDNN version", first.onednn_version, c.onednn_version},
          std::tuple{"compiler", first.compiler, c.compiler},
          std::tuple{"attnbench version", first.attnbench_version, c.attnbench_version},
          std::tuple{"set of plugins", fmt::format("{}", fmt::join(first.plugins, ", ")),
                     fmt::format("{}", fmt::join(c.plugins, ", "))}}) {
      if (a != b) spdlog::warn("{} ran with another {}: '{}' vs '{}'", dirs[i], what, b, a);
    }
  }
  const std::string count = first.shard.substr(first.shard.find('/') + 1);
  if (shards.size() != std::stoul(count)) {
    refuse(dirs.front(), fmt::format("{} of {} shards given", shards.size(), count));
  }
  if (static_cast<std::int64_t>(total) != first.experiment_cases) {
    refuse(dirs.front(), fmt::format("the shards hold {} cases, the experiment has {}", total,
                                     first.experiment_cases));
  }
}

}  // namespace

int merge_runs(const std::vector<std::string>& dirs, const std::string& out) {
  if (dirs.empty()) refuse("merge", "no shard folders given");
  std::vector<RunResults> runs;
  for (const std::string& dir : dirs) runs.push_back(load_run_folder(dir));
  check_shards(dirs, runs);
  std::map<std::string, std::string> seen;  // id -> shard folder
  RunResults merged;
  merged.context = runs.front().context;
  merged.context.shard = "";
  merged.context.shard_cases = merged.context.experiment_cases;
  for (std::size_t i = 0; i < runs.size(); ++i) {
    for (const CaseRecord& r : runs[i].cases) {
      if (auto [it, inserted] = seen.emplace(r.id(), dirs[i]); !inserted) {
        refuse(dirs[i], fmt::format("case {} is recorded in {} too", r.id(), it->second));
      }
      merged.cases.push_back(r);
    }
  }
  std::filesystem::create_directories(out);
  if (std::filesystem::exists(out + "/results.jsonl")) refuse(out, "already holds a results.jsonl");
  ResultsFile file(out + "/results.jsonl");
  file.append_line(to_json(merged.context).dump());
  for (const CaseRecord& r : merged.cases) file.append_line(to_json(r).dump());
  write_reports(read_results(out + "/results.jsonl"), out, all_formats());
  fmt::print("merged {} shards, {} cases, into {}\n", runs.size(), merged.cases.size(), out);
  return 0;
}

}  // namespace attnbench
