// attnbench: the command line. Exit codes: 0 every case passed or was skipped; 1 a case failed
// or hit an error; 2 bad input (nothing was run).
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>
#include <CLI/CLI.hpp>

#include "cli/commands.hpp"
#include "core/plugin_loader.hpp"
#include "runner/merge.hpp"

namespace {

using namespace attnbench;

std::string command_line(int argc, char** argv) {
  std::string line;
  for (int i = 0; i < argc; ++i) line += (i ? " " : "") + std::string(argv[i]);
  return line;
}

// --case (repeatable) and --filter, alike for run, report and compare.
void add_selection(CLI::App* command, SelectionArgs& selection, const std::string& verb) {
  command
      ->add_option("--case", selection.case_ids,
                   verb +
                       " only the case with this id (an axis at its default may be left out); "
                       "repeatable")
      ->allow_extra_args(false);
  command->add_option("--filter", selection.filter,
                      verb +
                          " only the cases whose id or label this regular expression "
                          "(ECMAScript) matches somewhere; with --case, both must hold");
}

void add_run(CLI::App& app, RunArgs& args) {
  CLI::App* run = app.add_subcommand("run", "run a sweep from a YAML config");
  run->add_option("config", args.config, "the experiment's YAML file")->required();
  run->add_option("--set", args.sets, "override a config value: a dotted KEY=VALUE (YAML value)");
  run->add_option("--out", args.sweep.out_dir,
                  "results folder (default results/<experiment>/<UTC time>)");
  run->add_option("--mode", args.mode,
                  "list: each case's predicted memory, cost and memory-guard verdict, nothing run; "
                  "check: compare with the reference (status passed); "
                  "perf: time without checking (status executed); all: check, then time; "
                  "quality: recall and output error against full attention, one reference record "
                  "per cell, nothing timed")
      ->check(CLI::IsMember({"list", "check", "perf", "all", "quality"}));
  add_selection(run, args.sweep.selection, "run");
  run->add_option(
      "--shard", args.sweep.shard,
      "run share K of N (1 <= K <= N), balanced by predicted cost; inside a Slurm array, "
      "the task's share by default");
  run->add_option("--resume", args.sweep.resume,
                  "finish an interrupted run (its folder or results.jsonl): skip the cases it "
                  "holds");
  run->add_flag("--ids", args.sweep.show_ids,
                "progress lines name cases by id, not by label; --mode list prints the ids alone");
  run->add_flag("--reprobe", args.sweep.reprobe,
                "measure the machine probes even when the cache (~/.cache/attnbench) holds them");
  run->add_option("--memory-limit", args.memory_limit,
                  "skip cases whose analytic memory exceeds this (8G, 512M; default: available)");
  run->add_option("--max-cases", args.max_cases,
                  "refuse a sweep of more cases than this (default 1000000)")
      ->check(CLI::PositiveNumber);
}

// --config (mask; density and gallery take the config as their argument too), --entry, --case.
void add_config_choice(CLI::App* command, std::string& config, std::optional<std::string>& entry,
                       std::vector<std::string>& case_ids, const std::string& verb) {
  CLI::Option* file = command->get_option_no_throw("config");
  if (file == nullptr) {
    file = command->add_option("--config", config,
                               "the experiment's YAML file: " + verb +
                                   " one of its cases, built "
                                   "as run builds it");
  }
  command
      ->add_option("--entry", entry,
                   verb + " the cases of one entry of patterns: (its 0-based index, or its label)")
      ->needs(file);
  command
      ->add_option("--case", case_ids,
                   verb + " the case with this id (an axis at its default may be left out)")
      ->needs(file)
      ->allow_extra_args(false);
}

// The options given that describe a mask without a config.
std::vector<std::string> pattern_options_given(const CLI::App& mask) {
  std::vector<std::string> given;
  for (const char* name : {"pattern", "--seq-len", "--kv-len", "--heads", "--block", "--head-dim",
                           "--seed", "--threads"}) {
    if (mask.get_option(name)->count() > 0)
      given.push_back(name == std::string("pattern") ? "PATTERN" : name);
  }
  return given;
}

void add_mask(CLI::App& app, MaskArgs& args) {
  CLI::App* mask = app.add_subcommand("mask", "export one pattern's mask or tile layout");
  mask->add_option("pattern", args.pattern,
                   "a registered pattern (see `attnbench patterns`), with --seq-len; or --config");
  mask->add_option("--seq-len", args.seq_len, "query length (with a PATTERN)");
  mask->add_option("--kv-len", args.kv_len, "key length (default: the query length)");
  mask->add_option("--heads", args.heads, "number of heads");
  mask->add_option("--head", args.head, "the head to export (default 0)");
  mask->add_option("--set", args.sets,
                   "a pattern parameter, NAME=VALUE; with --config a config value, a dotted "
                   "KEY=VALUE as in run");
  add_config_choice(mask, args.config, args.entry, args.case_ids, "export the mask of");
  mask->add_option("--npy", args.npy, "write the element mask as uint8 [q_len, kv_len]");
  mask->add_flag("--all-heads", args.all_heads,
                 "with --npy: uint8 [heads, q_len, kv_len]; with --png/--svg: a panel per head");
  mask->add_option(
      "--layout-npy", args.layout_npy,
      "write the tile layout as uint8 [heads, q_tiles, kv_tiles]: 0 empty, 1 partial, 2 full");
  mask->add_option("--block", args.block, "tile size for --layout-npy and --ascii (default 64)");
  mask->add_flag("--ascii", args.ascii, "print a block view of the mask");
  mask->add_option("--png", args.png,
                   "draw the mask (head --head; every head with --all-heads) as a PNG with axes, "
                   "title and legend");
  mask->add_option("--svg", args.svg, "the same picture as an SVG");
  CLI::Option* size = mask->add_option(
      "--size", args.size, "picture: pixels on the mask's longer side, at most (default 768)");
  mask->add_option("--scale", args.scale, "picture: pixels per token, instead of --size")
      ->excludes(size);
  mask->add_flag("--tiles", args.tiles,
                 "picture: overlay the tiles (computed-but-masked pairs, tile edges)");
  mask->add_option("--positions", args.positions,
                   "write the relative position each allowed pair uses, int32 [q_len, kv_len], -1 "
                   "where not allowed");
  mask->add_option("--head-dim", args.head_dim,
                   "head_dim of the random inputs a content-dependent pattern decides from");
  mask->add_option("--seed", args.seed, "seed of those inputs (default 42)");
  mask->add_option("--threads", args.threads, "threads that build the layout (default: all cores)");
}

// Every subcommand's arguments, filled by CLI11.
struct Args {
  RunArgs run;
  ReportArgs report;
  MaskArgs mask;
  DensityArgs density;
  GalleryArgs gallery;
  std::vector<std::string> merge_dirs;
  std::string merge_out;
  CompareArgs compare;
  bool json = false;
  std::vector<std::string> plugins;
  std::vector<std::string> conformance_patterns;
};

int dispatch(const CLI::App& app, const Args& a) {
  if (app.got_subcommand("run")) return run_command(a.run);
  if (app.got_subcommand("report")) return report_command(a.report);
  if (app.got_subcommand("mask")) {
    MaskArgs mask = a.mask;
    mask.pattern_options = pattern_options_given(*app.get_subcommand("mask"));
    return mask_command(mask);
  }
  if (app.got_subcommand("density")) return density_command(a.density);
  if (app.got_subcommand("merge")) return merge_runs(a.merge_dirs, a.merge_out);
  if (app.got_subcommand("compare")) return compare_command(a.compare);
  if (app.got_subcommand("conformance")) return conformance_command(a.conformance_patterns);
  if (app.got_subcommand("inputs")) return inputs_command(a.json);
  if (app.got_subcommand("config")) return config_command(a.json);
  if (app.got_subcommand("gallery")) return gallery_command(a.gallery);
  return patterns_command(a.json);
}

}  // namespace

// The set-up before the try (CLI11 options) throws only on a programming error, a duplicate
// option name, which should terminate loudly: clang-tidy's exception-escape is silenced here.
int main(int argc, char** argv) {  // NOLINT(bugprone-exception-escape)
  CLI::App app{"attnbench: FLOPs, memory, latency and mask density of local and sparse attention"};
  app.require_subcommand(1);
  // Lets --plugin (and -v, -q) follow the subcommand too; subcommands inherit it when added.
  app.fallthrough();
  int verbosity = 0;
  bool quiet = false;
  app.add_flag("-v,--verbose", verbosity, "more diagnostics (repeatable)");
  app.add_flag("-q,--quiet", quiet, "errors only");
  app.set_version_flag("--version", version_text,
                       "attnbench's version, the commit it was built from, oneDNN's version");
  Args args;
  RunArgs& run = args.run;
  run.sweep.command_line = command_line(argc, argv);
  add_run(app, run);
  ReportArgs& report = args.report;
  CLI::App* report_app =
      app.add_subcommand("report", "regenerate a run's tables from its results.jsonl");
  report_app->add_option("run_dir", report.run_dir, "the run's folder, or its results.jsonl")
      ->required();
  add_selection(report_app, report.selection, "show");
  report_app->add_option("--format", report.formats, "md, csv, json, latex or tex (default: all)")
      ->delimiter(',');
  report_app->add_option("--out", report.out_dir,
                         "write there instead of the run's folder; - for stdout");
  report_app
      ->add_option("--view", report.views,
                   "only these views: table, comparison, flops, break_even, density, decode, "
                   "quality (default: every one the run has)")
      ->delimiter(',');
  add_mask(app, args.mask);
  CLI::App* density =
      app.add_subcommand("density", "mask-density report of a config, nothing executed");
  density->add_option("config,--config", args.density.config, "the experiment's YAML file")
      ->required();
  density->add_option("--format", args.density.formats, "md (default), csv, json, latex or tex")
      ->delimiter(',');
  density->add_option("--out", args.density.out,
                      "a folder to write density.EXT into; - for stdout (the default)");
  CLI::App* merge = app.add_subcommand("merge", "combine the folders of a sharded run into one");
  merge->add_option("dirs", args.merge_dirs, "the shards' run folders (or their results.jsonl)")
      ->required();
  merge->add_option("--out", args.merge_out, "the merged run folder")->required();
  CLI::App* compare =
      app.add_subcommand("compare", "two runs' shared cases side by side; exit 1 if B is slower");
  CompareArgs& c = args.compare;
  compare->add_option("run_a", c.run_a, "the reference run's folder (or its results.jsonl)")
      ->required();
  compare->add_option("run_b", c.run_b, "the run to compare with it")->required();
  add_selection(compare, c.selection, "compare");
  compare->add_option("--threshold", c.threshold,
                      "allowed median ratio beyond 1 as a fraction (default 0.05)");
  compare->add_option("--alpha", c.alpha, "significance level of the Mann-Whitney test (0.05)");
  compare->add_option("--ignore", c.ignore,
                      "match cases with this axis left out of the id (e.g. threads); repeatable");
  compare->add_flag("--allow-partial", c.allow_partial, "exit 0 even when no case is shared");
  compare->add_flag("--ids", c.show_ids, "name cases by id, not by label");
  compare->add_option("--format", c.format, "md (default) or json");
  CLI::App* gallery =
      app.add_subcommand("gallery", "every pattern of a config as mask pictures in one PNG");
  gallery->add_option("config,--config", args.gallery.config, "the experiment's YAML file")
      ->required();
  gallery->add_option("--out", args.gallery.out, "the PNG to write")->required();
  gallery->add_option("--set", args.gallery.sets, "override a config value: a dotted KEY=VALUE");
  add_config_choice(gallery, args.gallery.config, args.gallery.entry, args.gallery.case_ids,
                    "draw only");
  density->add_option("--set", args.density.sets, "override a config value: a dotted KEY=VALUE");
  add_config_choice(density, args.density.config, args.density.entry, args.density.case_ids,
                    "report only");
  app.add_subcommand("patterns", "list every registered pattern with its parameters")
      ->add_flag("--json", args.json, "as JSON");
  app.add_subcommand("inputs", "list the input generators a config's inputs: may name")
      ->add_flag("--json", args.json, "as JSON");
  bool a_explain = false;  // required: the one thing `config` does for now
  CLI::App* config = app.add_subcommand("config", "the config file's keys");
  config->add_flag("--explain", a_explain, "every key: path, type, default, meaning")->required();
  config->add_flag("--json", args.json, "as JSON: [{key, type, default, meaning, values?}]");
  app.add_subcommand("conformance",
                     "the test suite's generic checks on patterns (default: the --plugin ones)")
      ->add_option("patterns", args.conformance_patterns, "registered pattern names");
  app.add_option("--plugin", args.plugins,
                 "load a pattern plugin (a .so built with find_package(attnbench)); repeatable, "
                 "before or after the command");
  // CLI11 would say "A subcommand is required" for a misspelt command.
  if (argc > 1 && argv[1][0] != '-' && app.get_subcommands({}).size() > 0) {
    bool known = false;
    for (const CLI::App* sub : app.get_subcommands({})) known |= sub->get_name() == argv[1];
    if (!known) {
      fmt::print(stderr, "{}\n",
                 printable(fmt::format("unknown command '{}' (see attnbench --help)", argv[1])));
      return 2;
    }
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return 2;
  }
  auto logger = spdlog::stderr_color_mt("attnbench");
  spdlog::set_default_logger(logger);
  spdlog::set_pattern("[%H:%M:%S %^%l%$] %v");
  spdlog::set_level(quiet           ? spdlog::level::err
                    : verbosity > 0 ? spdlog::level::debug
                                    : spdlog::level::info);
  try {
    for (const std::string& plugin : args.plugins) load_plugin(plugin);
    return dispatch(app, args);
  } catch (const InputError& e) {
    spdlog::error("{}", e.what());
    return 2;
  } catch (const PluginError& e) {
    spdlog::error("--plugin: {}", e.what());
    return 2;
  } catch (const std::exception& e) {
    spdlog::error("{}", e.what());
    return 1;
  }
}
