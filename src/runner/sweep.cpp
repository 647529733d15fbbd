#include "runner/sweep.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <csignal>
#include <filesystem>
#include <iostream>
#include <set>

#include "core/plugin_loader.hpp"
#include "core/version.hpp"
#include "exec/onednn_info.hpp"
#include "measure/cpu_load.hpp"
#include "measure/environment.hpp"
#include "measure/memory.hpp"
#include "report/case_table.hpp"
#include "report/summary.hpp"
#include "report/write_reports.hpp"
#include "runner/case_list.hpp"
#include "runner/case_runner.hpp"
#include "runner/folder_lock.hpp"
#include "runner/probes.hpp"
#include "runner/quality_runner.hpp"
#include "runner/results_file.hpp"
#include "runner/run_folder.hpp"
#include "runner/shard.hpp"
#include "runner/signals.hpp"
#include "runner/sweep_runner.hpp"
#include "runner/time_account.hpp"

namespace attnbench {

namespace {

using Clock = std::chrono::steady_clock;

std::vector<const Case*> select_cases(const Experiment& experiment, const SweepOptions& options) {
  const CaseSelection selection(options.selection);
  std::vector<const Case*> selected;
  for (const Case& c : experiment.cases) {
    if (selection.selects(c.key, c.label)) selected.push_back(&c);
  }
  if (selected.empty()) {
    throw InputError(SourceLocation{options.selection.filter ? "--filter" : "--case", 0, 0}, "",
                     fmt::format("no case of {} is selected by {} (see --mode list)",
                                 experiment.config_path, selection.describe()));
  }
  return selected;
}

RunContext make_context(const Experiment& experiment, const SweepOptions& options,
                        const std::vector<const Case*>& cases) {
  const Environment env = read_environment();
  RunContext c;
  c.attnbench_version = ATTNBENCH_VERSION_STRING;
  for (const LoadedPlugin& plugin : loaded_plugins()) c.plugins.push_back(plugin.path);
  c.experiment = experiment.name;
  c.started_utc = utc_timestamp();
  c.cpu_model = env.cpu_model, c.cpu_flags = env.cpu_flags, c.cores = env.cores;
  std::set<int> thread_counts;
  for (const Case* k : cases) thread_counts.insert(static_cast<int>(k->key.threads));
  c.threads.assign(thread_counts.begin(), thread_counts.end());
  c.onednn_version = onednn_version();
  c.onednn_isa = onednn_isa();
  c.compiler = env.compiler, c.git_commit = env.git_commit, c.hostname = env.hostname;
  c.build_id = env.build_id;
  c.config_path = experiment.config_path, c.config_hash = experiment.config_hash;
  c.command_line = options.command_line, c.mode = options.mode;
  c.seed = cases.empty() ? 0 : cases.front()->measurement.seed;
  c.build_type = ATTNBENCH_BUILD_TYPE;
  c.files = experiment.files;
  c.load_average_start = load_averages();
  if (options.mode == RunMode::kPerf || options.mode == RunMode::kAll) {
    c.probes = run_probes(ProbeOptions{c.threads, options.reprobe, c.onednn_version, c.onednn_isa,
                                       probe_dtypes(cases)},
                          env);
    for (const auto& [threads, figure] : c.probes.gemm_gflops["f32"]) {
      c.gemm_gflops[threads] = figure.median;
      c.disturbed = c.disturbed || figure.disturbed();
    }
    for (const auto& [threads, figure] : c.probes.fma_peak_gflops["f32"])
      c.disturbed = c.disturbed || figure.disturbed();
    if (c.probes.dram_read_gbs) c.disturbed = c.disturbed || c.probes.dram_read_gbs->disturbed();
    if (c.disturbed) spdlog::warn("a machine probe varied by more than 25%: the machine is busy");
  }
  return c;
}

}  // namespace

namespace {

// The results of the run being resumed, read once; nothing for a folder that holds no record
// yet (a run stopped before its context was written), which the run starts afresh.
std::optional<RunResults> previous_results(const SweepOptions& options) {
  if (!options.resume) return std::nullopt;
  if (options.out_dir) {
    throw InputError(SourceLocation{"--out", 0, 0}, "",
                     "--resume continues in the run's own folder; leave out --out");
  }
  if (!std::filesystem::is_directory(*options.resume)) {
    throw InputError(SourceLocation{*options.resume, 0, 0}, "", "cannot resume: not a run folder");
  }
  if (holds_no_record(*options.resume)) return std::nullopt;
  const std::string path = *options.resume + "/results.jsonl";
  try {
    return read_results(path);
  } catch (const std::runtime_error& e) {
    throw InputError(SourceLocation{path, 0, 0}, "", std::string("cannot resume: ") + e.what());
  }
}

// The share to run: a resumed run's own (its folder says which share it holds: a Slurm task
// resubmitted alone sees other array variables), else --shard, else the Slurm array's.
std::optional<Shard> choose_shard(const SweepOptions& options,
                                  const std::optional<RunResults>& previous) {
  const std::optional<Shard> requested =
      options.shard ? std::optional(parse_shard(*options.shard, "--shard")) : std::nullopt;
  if (!previous) return requested ? requested : shard_from_slurm();
  const std::string& recorded = previous->context.shard;
  const std::optional<Shard> own =
      recorded.empty() ? std::nullopt : std::optional(parse_shard(recorded, *options.resume));
  if (requested && (!own || own->index != requested->index || own->count != requested->count)) {
    throw InputError(
        SourceLocation{"--shard", 0, 0}, "",
        fmt::format("{} holds {}, not shard {}; resume it without --shard", *options.resume,
                    recorded.empty() ? "an unsharded run" : "shard " + recorded, *options.shard));
  }
  return own;
}

// A resumed run must read the files its first part read: same roles, sizes and contents.
void refuse_changed_files(const std::vector<InputFile>& then, const std::vector<InputFile>& now,
                          const std::string& dir) {
  for (const InputFile& before : then) {
    const auto same_role = [&](const InputFile& f) { return f.role == before.role; };
    const auto it = std::find_if(now.begin(), now.end(), same_role);
    if (it != now.end() && *it == before) continue;
    throw InputError(
        SourceLocation{before.path, 0, 0}, "",
        it == now.end()
            ? fmt::format("cannot resume {}: the config no longer reads its {}", dir, before.role)
            : fmt::format("cannot resume {}: {} changed since that run started ({} bytes, sha256 "
                          "{} then; {} bytes, sha256 {} now)",
                          dir, before.role, before.bytes, before.sha256.substr(0, 12), it->bytes,
                          it->sha256.substr(0, 12)));
  }
}

// `threads` defaults to the cores a process may use, so the same config resumed on another
// machine (or in a Slurm task given other CPUs) would name other cases: refuse rather than mix.
void refuse_other_threads(const RunContext& then, const std::vector<const Case*>& cases,
                          const std::string& dir) {
  std::set<int> now;
  for (const Case* c : cases) now.insert(static_cast<int>(c->key.threads));
  if (std::vector<int>(now.begin(), now.end()) == then.threads) return;
  throw InputError(SourceLocation{dir, 0, 0}, "",
                   fmt::format("cannot resume: that run's cases ran on {} threads, here they would "
                               "run on {} (threads defaults to the cores this process may use: "
                               "give threads: in the config, or --set threads=N)",
                               fmt::join(then.threads, ","), fmt::join(now, ",")));
}

// Opens (or reopens, for --resume) the results file; returns the context to run under and the
// ids already recorded.
RunContext open_results(const Experiment& experiment, const SweepOptions& options,
                        const std::vector<const Case*>& cases, const std::string& dir,
                        const std::optional<RunResults>& previous, std::set<std::string>& done,
                        const RunContext& started) {
  const std::string path = dir + "/results.jsonl";
  if (previous) {
    if (previous->context.config_hash != experiment.config_hash) {
      throw InputError(
          SourceLocation{experiment.config_path, 0, 0}, "",
          fmt::format(
              "cannot resume {}: the config (with its --set overrides) changed since that run "
              "started (hash {} then, {} now)",
              dir, previous->context.config_hash, experiment.config_hash));
    }
    refuse_changed_files(previous->context.files, experiment.files, dir);
    refuse_other_threads(previous->context, cases, dir);
    if (previous->context.mode != options.mode) {
      throw InputError(SourceLocation{"--mode", 0, 0}, "",
                       fmt::format("cannot resume {}: it runs in mode {}, not {}", dir,
                                   to_string(previous->context.mode), to_string(options.mode)));
    }
    truncate_torn_line(path);
    for (const CaseRecord& r : previous->cases) done.insert(r.id());
    std::size_t mine = 0;
    for (const Case* c : cases) mine += done.count(c->id());
    spdlog::info("resuming {}: {} of {} cases already recorded", dir, mine, cases.size());
    return previous->context;
  }
  RunContext context = make_context(experiment, options, cases);
  context.shard = started.shard;
  context.shard_cases = started.shard_cases;
  context.experiment_cases = started.experiment_cases;
  ResultsFile(path).append_line(to_json(context).dump());
  return context;
}

// stdout may be a closed pipe (`run ... | head`): the records and views are safe on disk, so a
// failed write of the summary is not an error of the run.
void print_summary(const std::string& text) {
  try {
    fmt::print("{}", text);
    std::fflush(stdout);
  } catch (const std::system_error&) {
  }
}

// "table, comparison, flops (.md .csv .json .tex)": the files a run wrote, by name and format.
std::string files_in_short(const std::vector<std::string>& paths) {
  std::vector<std::string> stems, extensions;
  auto add = [](std::vector<std::string>& list, std::string item) {
    if (std::find(list.begin(), list.end(), item) == list.end()) list.push_back(std::move(item));
  };
  for (const std::string& path : paths) {
    const std::filesystem::path file(path);
    add(stems, file.stem().string());
    add(extensions, file.extension().string());
  }
  return fmt::format("{} ({})", fmt::join(stems, ", "), fmt::join(extensions, " "));
}

// The command that finishes the run: the real config, its overrides and case selection, quoted
// for a shell.
std::string resume_hint(const Experiment& experiment, const SweepOptions& options,
                        const std::string& dir) {
  const auto quote = [](const std::string& text) {
    std::string quoted = "'";
    for (char c : text) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return quoted + "'";
  };
  std::string hint = "attnbench run " + quote(experiment.config_path);
  for (const Override& o : experiment.overrides) hint += " --set " + quote(o.path + "=" + o.text);
  if (options.mode != RunMode::kAll) hint += fmt::format(" --mode {}", to_string(options.mode));
  if (!options.selection.empty()) hint += " " + CaseSelection(options.selection).describe();
  return hint + " --resume " + quote(dir);
}

// This process's part of the run: its wall time from the start of the sweep and its cells' account.
struct RunTime {
  std::chrono::steady_clock::time_point start;
  CellTimes cells;
  double wall_s() const {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  }
};

int finish(const Experiment& experiment, const SweepOptions& options, const std::string& dir,
           int signal, const RunTime& time) {
  const double wall_s = time.wall_s();
  ResultsFile(dir + "/results.jsonl")
      .append_line(Json{{"type", "end"},
                        {"finished_utc", utc_timestamp()},
                        {"load_average", load_averages()},
                        {"time_s", time_account_json(time.cells, wall_s)}}
                       .dump());
  const RunResults results = read_results(dir + "/results.jsonl");
  const std::vector<std::string> written = write_reports(results, dir, all_formats());
  std::string summary = render_run_summary(results);
  std::map<CaseStatus, int> counts;
  for (const CaseRecord& r : results.cases) {
    if (!r.is_baseline) ++counts[r.status];
  }
  std::vector<std::string> parts;
  for (CaseStatus status : kAllStatuses) {
    if (status != CaseStatus::kExecuted || counts[status] > 0) {
      parts.push_back(fmt::format("{} {}", counts[status], to_string(status)));
    }
  }
  summary +=
      fmt::format("\n{}\n{}views: {}/ {}\nresults: {}/results.jsonl\n", fmt::join(parts, ", "),
                  time_account_text(time.cells, wall_s), dir, files_in_short(written), dir);
  print_summary(summary);
  if (signal != 0) {
    spdlog::warn("stopped by {}: finish with `{}`", strsignal(signal),
                 resume_hint(experiment, options, dir));
    return 128 + signal;
  }
  return counts[CaseStatus::kFailed] + counts[CaseStatus::kError] > 0 ? 1 : 0;
}

}  // namespace

int run_sweep(const Experiment& given, const SweepOptions& given_options) {
  const auto start = std::chrono::steady_clock::now();
  SweepOptions options = given_options;
  if (options.resume) options.resume = run_folder_of(*options.resume);  // or its results.jsonl
  Experiment experiment = given;  // --mode quality: one reference case per cell instead
  if (options.mode == RunMode::kQuality) experiment.cases = quality_cases(given.cases);
  const std::vector<const Case*> all = select_cases(experiment, options);
  std::optional<FolderLock> lock;  // taken before reading what the folder holds
  if (options.resume && options.mode != RunMode::kList &&
      std::filesystem::is_directory(*options.resume))
    lock.emplace(*options.resume);
  const std::optional<RunResults> previous = previous_results(options);
  const std::optional<Shard> shard = choose_shard(options, previous);
  const std::vector<const Case*> cases = shard ? shard_cases(all, *shard) : all;
  if (options.mode == RunMode::kList) {
    if (!options.show_ids) {
      print_summary(
          render_case_list(cases, options.memory_limit.value_or(available_memory_bytes())));
      return 0;
    }
    std::string ids;
    for (const Case* c : cases) ids += c->id() + "\n";
    print_summary(ids);
    return 0;
  }
  const SignalScope signals;
  const std::string dir =
      options.resume ? *options.resume : create_run_folder(options.out_dir, experiment.name);
  if (!lock) lock.emplace(dir);
  std::set<std::string> done;
  RunContext started;
  started.experiment_cases = static_cast<std::int64_t>(all.size());
  started.shard_cases = static_cast<std::int64_t>(cases.size());
  if (shard) started.shard = fmt::format("{}/{}", shard->index, shard->count);
  const RunContext context = open_results(experiment, options, cases, dir, previous, done, started);
  ResultsFile file(dir + "/results.jsonl");
  const CaseOptions case_options{
      .check = options.mode != RunMode::kPerf,
      .perf = options.mode == RunMode::kPerf || options.mode == RunMode::kAll,
      .memory_limit = options.memory_limit,
      .gemm_gflops = context.gemm_gflops,
      .probes = context.probes,
      .run_dir = dir};
  SweepRunner runner(cases, case_options, file,
                     previous ? previous->cases : std::vector<CaseRecord>{}, options.mode,
                     options.show_ids);
  if (!runner.run(stop_requested())) return 1;  // the results folder disappeared
  return finish(experiment, options, dir, stop_signal(), RunTime{start, runner.times()});
}

}  // namespace attnbench
