// The subcommands of `attnbench`. Each returns the process exit code; user mistakes are thrown
// as InputError and become exit code 2 in main.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "config/experiment.hpp"
#include "report/figure.hpp"
#include "runner/sweep.hpp"

namespace attnbench {

struct RunArgs {
  std::string config;
  std::vector<std::string> sets;
  SweepOptions sweep;
  std::string mode = "all";  // list | check | perf | all (checked by the command line)
  std::string memory_limit;  // e.g. 8G, 512M; empty: the machine's available memory
  std::size_t max_cases = kDefaultMaxCases;
};

struct MaskArgs {
  std::string pattern;                // a plugin, with --seq-len; or, instead, a config's case:
  std::string config;                 // --config FILE: the mask `run` builds for one of its cases
  std::optional<std::string> entry;   // --entry K: an index into `patterns:` or an entry's label
  std::vector<std::string> case_ids;  // --case ID
  // Options given that describe a mask without a config (PATTERN, --seq-len, ...): refused with
  // --config, whose case gives them.
  std::vector<std::string> pattern_options;
  Index seq_len = 0;
  Index kv_len = 0;  // 0: seq_len
  Index heads = 1;
  Index head = 0;
  Index block = 64;
  std::vector<std::string> sets;
  std::string npy, layout_npy;
  Index head_dim = 64;      // inputs for content-dependent patterns
  std::uint64_t seed = 42;  // of those inputs
  int threads = 0;          // for the layout build; 0: every core
  std::string positions;    // --positions FILE.npy
  std::string png;          // --png FILE.png
  std::string svg;          // --svg FILE.svg
  int size = 768;           // picture: pixels on the mask's longer side, at most
  int scale = 0;            // picture: pixels per token instead (0: --size)
  bool tiles = false;       // picture: the tile overlay
  bool all_heads = false;
  bool ascii = false;
};

int run_command(const RunArgs& args);
struct ReportArgs {
  std::string run_dir;               // the run's folder, or its results.jsonl
  SelectionArgs selection;           // --case, --filter: the records whose rows the views hold
  std::vector<std::string> formats;  // empty: all
  std::string out_dir;               // empty: the run folder; "-": stdout
  std::vector<std::string> views;    // empty: every view the run has
};

int report_command(const ReportArgs& args);
int mask_command(const MaskArgs& args);
int patterns_command(bool json);
// Every input generator, its construction and parameters.
int inputs_command(bool json);
// Every config key: path, type, default, meaning (config/schema.hpp), as text or JSON.
int config_command(bool json);
struct DensityArgs {
  std::string config;
  std::vector<std::string> sets;
  std::optional<std::string> entry;   // --entry K: only that entry's cells
  std::vector<std::string> case_ids;  // --case ID: only those cases' cells
  std::vector<std::string> formats = {"md"};
  std::string out = "-";  // a folder for density.EXT, or "-": stdout
};
int density_command(const DensityArgs& args);
struct CompareArgs {
  std::string run_a, run_b;  // run folders, or their results.jsonl
  SelectionArgs selection;   // --case, --filter: the cases compared
  double threshold = 0.05;
  double alpha = 0.05;
  std::vector<std::string> ignore;
  bool allow_partial = false;
  bool show_ids = false;
  std::string format = "md";
};
int compare_command(const CompareArgs& args);
struct GalleryArgs {
  std::string config;
  std::vector<std::string> sets;
  std::string out;
  std::optional<std::string> entry;   // --entry K: only that entry's patterns
  std::vector<std::string> case_ids;  // --case ID: only those cases
};
int gallery_command(const GalleryArgs& args);
inline int gallery_command(const std::string& config, const std::vector<std::string>& sets,
                           const std::string& out) {
  return gallery_command(GalleryArgs{config, sets, out, std::nullopt, {}});
}
// The gallery of an experiment: every pattern at the shortest of its lengths where its mask
// differs from full or causal attention.
Figure gallery_figure(const Experiment& experiment);

// Every conformance check on `patterns` (none named: the loaded plugins' patterns, or every
// registered pattern when no plugin is loaded); exit 1 when one fails.
int conformance_command(const std::vector<std::string>& patterns);

// `--version`: attnbench's version, the commit it was built from, oneDNN's version and ISA.
std::string version_text();

// Keeps the records `selection` selects, and every baseline record (the views read the cases'
// own copies of their baselines, never list them); throws InputError naming `run` when no case
// is selected.
RunResults select_records(RunResults results, const SelectionArgs& selection,
                          const std::string& run);

// "8G", "512M", "1024K" or plain bytes.
std::int64_t parse_size(const std::string& text, const std::string& option);

}  // namespace attnbench
