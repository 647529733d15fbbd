#include <fmt/format.h>

#include <charconv>
#include <filesystem>

#include "cli/commands.hpp"
#include "report/case_table.hpp"
#include "report/write_reports.hpp"
#include "runner/results_file.hpp"

namespace attnbench {

std::int64_t parse_size(const std::string& text, const std::string& option) {
  std::int64_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  const std::string suffix(end, text.data() + text.size());
  const std::int64_t unit = suffix.empty()  ? 1
                            : suffix == "K" ? 1 << 10
                            : suffix == "M" ? 1 << 20
                            : suffix == "G" ? 1 << 30
                                            : 0;
  if (error != std::errc() || unit == 0 || value <= 0 || value > (std::int64_t{1} << 62) / unit) {
    throw InputError(SourceLocation{option, 0, 0}, "",
                     fmt::format("expected a size such as 8G, 512M or 1048576, got '{}'", text));
  }
  return value * unit;
}

int run_command(const RunArgs& args) {
  const std::vector<Override> overrides = parse_overrides(args.sets);
  const Experiment experiment = load_experiment(args.config, overrides, args.max_cases);
  SweepOptions options = args.sweep;
  options.mode = parse_mode(args.mode).value_or(RunMode::kAll);
  if (!args.memory_limit.empty())
    options.memory_limit = parse_size(args.memory_limit, "--memory-limit");
  return run_sweep(experiment, options);
}

int report_command(const ReportArgs& args) {
  const std::string run_dir = run_folder_of(args.run_dir);  // or its results.jsonl
  if (!args.selection.empty() && args.out_dir.empty()) {    // the run's own views keep every case
    throw InputError(SourceLocation{args.selection.filter ? "--filter" : "--case", 0, 0}, "",
                     "the views of some cases only go elsewhere: give --out DIR or --out -");
  }
  const RunResults results = select_records(load_run_folder(run_dir), args.selection, run_dir);
  const std::string out = args.out_dir.empty() ? run_dir : args.out_dir;
  std::vector<std::string> written;
  try {
    checked_formats(args.formats);
  } catch (const std::invalid_argument& e) {
    throw InputError(SourceLocation{"--format", 0, 0}, "", e.what());
  }
  if (out != "-") std::filesystem::create_directories(out);
  try {
    written = write_reports(results, out, args.formats, args.views);
  } catch (const std::invalid_argument& e) {
    throw InputError(SourceLocation{"--view", 0, 0}, "", e.what());
  }
  // With --out -, stdout carries the views alone.
  fmt::print(out == "-" ? stderr : stdout, "wrote {} files to {} from {} records{}\n",
             written.size(), out == "-" ? "stdout" : out, results.cases.size(),
             results.torn_lines ? " (a torn last line was ignored)" : "");
  return 0;
}

}  // namespace attnbench
