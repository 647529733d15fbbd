// `attnbench compare RUN_A RUN_B [--threshold 0.05]`: exit code 1 when a shared case of B is
// slower than A by more than the threshold; the cases and the ratios on stdout.
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <filesystem>

#include "cli/commands.hpp"
#include "report/compare.hpp"
#include "runner/results_file.hpp"

namespace attnbench {

int compare_command(const std::string& run_a, const std::string& run_b, double threshold) {
  if (!(threshold >= 0))
    throw InputError(SourceLocation{"--threshold", 0, 0}, "", "expected a non-negative fraction");
  const Comparison c = compare_runs(load_run_folder(run_a), load_run_folder(run_b), threshold);
  for (const std::string& w : c.warnings) spdlog::warn("{}", w);
  fmt::print(
      "# {} vs {}\n\nMedian latencies of the cases both runs hold; B / A above {:.3f} is "
      "SLOWER.\n\n{}",
      run_a, run_b, 1.0 + threshold, render_markdown(c.table));
  fmt::print("\n{} cases compared, {} slower, {} only in A, {} only in B\n", c.table.rows.size(),
             c.slower.size(), c.only_a, c.only_b);
  for (const std::string& id : c.slower) spdlog::error("slower: {}", id);
  return c.slower.empty() ? 0 : 1;
}

}  // namespace attnbench
