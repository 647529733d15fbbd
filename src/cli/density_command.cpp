// `attnbench density CONFIG`: the mask-density report of every distinct cell (pattern,
// parameters, heads, lengths, tiles) of a config, without running an executor, as the density
// view of a run (Markdown on stdout by default; --format, --out; --entry and --case keep part of
// the config). Exit code 1 when a closed form disagrees with the count or a pattern fails to build.
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <spdlog/spdlog.h>

#include <filesystem>
#include <set>

#include "cli/commands.hpp"
#include "cli/config_cases.hpp"
#include "core/layout_bound.hpp"
#include "measure/memory.hpp"
#include "report/views.hpp"
#include "report/write_reports.hpp"
#include "runner/case_runner.hpp"

namespace attnbench {

int density_command(const DensityArgs& args) {
  std::vector<std::string> formats;
  try {
    formats = checked_formats(args.formats);
  } catch (const std::invalid_argument& e) {
    throw InputError(SourceLocation{"--format", 0, 0}, "", e.what());
  }
  const std::vector<Override> overrides = parse_overrides(args.sets);
  Experiment experiment = load_experiment(args.config, overrides);
  keep_chosen(experiment, CaseChoice{args.entry, args.case_ids});
  std::set<std::string> seen;
  std::vector<CaseRecord> records;
  int problems = 0;
  const std::int64_t budget = available_memory_bytes();
  for (const Case& c : experiment.cases) {
    if (!c.skip_reason.empty() || !seen.insert(mask_key(c.key)).second) continue;
    CaseRecord r;
    try {
      r = mask_record(c, budget);
    } catch (const MemoryNeed& e) {
      throw InputError(SourceLocation{experiment.config_path, 0, 0}, "",
                       fmt::format("case {}: {} (the memory available now)", c.id(), e.what()));
    }
    if (r.status == CaseStatus::kError) {
      spdlog::error("{}: {}", c.id(), r.message);
      ++problems;
      continue;
    }
    if (r.mask.closed_form_pairs && *r.mask.closed_form_pairs != r.mask.allowed_pairs) {
      spdlog::error("{}: closed form {} != counted {}", c.id(), *r.mask.closed_form_pairs,
                    r.mask.allowed_pairs);
      ++problems;
    }
    records.push_back(std::move(r));
  }
  NamedTable view = density_view(records);
  view.caption = fmt::format(
      "Mask density of {} cells, nothing executed: pairs counted from the block layout of each "
      "cell, against the pattern's closed form where it has one. Element density: allowed / "
      "(heads x q_len x kv_len); of causal: allowed / causal pairs, for masks that stay in "
      "them. Dense mask: one byte per pair.",
      records.size());
  if (args.out != "-") std::filesystem::create_directories(args.out);
  const std::vector<std::string> written =
      write_views({view}, args.out, formats, {experiment.config_path, experiment.config_path});
  if (args.out != "-") fmt::print("wrote {}\n", fmt::join(written, ", "));
  return problems > 0 ? 1 : 0;
}

}  // namespace attnbench
