// `attnbench gallery CONFIG --out FILE.png|.svg`: every pattern of a config side by side as mask
// pictures with their parameters, the one-glance comparison figure of surveys of local attention.
// Each pattern is drawn at the shortest of its configured lengths where its mask, and its panel,
// differ from full or causal attention (a window of 2000 tokens is plain causal attention at 1024
// tokens).
#include <fmt/format.h>

#include <algorithm>
#include <map>

#include "cli/commands.hpp"
#include "cli/config_cases.hpp"
#include "core/layout_bound.hpp"
#include "measure/memory.hpp"
#include "report/cells.hpp"
#include "report/mask_figure.hpp"
#include "runner/case_runner.hpp"

namespace attnbench {

namespace {

constexpr int kPanelPixels = 256;
constexpr std::size_t kCaptionChars = 46;
// A mask whose pairs are within 5% of full (or, for a causal mask, causal) attention's draws as
// the same triangle or square: its structure does not show at that length.
constexpr double kSameShape = 0.95;

// The cells a panel lights for full (or causal) attention, and for the mask's head 0.
std::pair<double, double> lit_cells(const CaseMask& mask, bool causal) {
  const LayoutShape& s = mask.layout.shape;
  const MaskGrid grid =
      mask_grid(mask.layout, 0, cell_size(std::max(s.q_len, s.kv_len), {kPanelPixels, 0}).tokens);
  double plain = 0, lit = 0;
  for (int r = 0; r < grid.rows; ++r) {
    const Index last_query = std::min<Index>((r + 1) * grid.tokens, s.q_len) - 1;
    plain += causal ? static_cast<double>(std::min<Index>(grid.cols, last_query / grid.tokens + 1))
                    : grid.cols;
    for (int c = 0; c < grid.cols; ++c) lit += grid.at(c, r) == kCellAllowed;
  }
  return {plain, lit};
}

// Whether the mask differs from full (or causal) attention both in its pairs and in the cells
// its panel lights: an LSH mask of 1024 tokens lights every causal cell of a 256-px panel.
bool structure_shows(const CaseMask& mask) {
  const CaseRecord& r = mask.record;
  const bool causal = r.mask.causal_pairs > 0;
  const double all = static_cast<double>(r.q_len) * static_cast<double>(r.kv_len) *
                     static_cast<double>(r.key.heads);
  const double plain = causal ? static_cast<double>(r.mask.causal_pairs) : all;
  const auto [plain_cells, lit] = lit_cells(mask, causal);
  return static_cast<double>(r.mask.allowed_pairs) < kSameShape * plain &&
         lit < kSameShape * plain_cells;
}

CaseMask build(const Case& c, const std::string& config) {
  try {
    return build_case_mask(c, available_memory_bytes());
  } catch (const MemoryNeed& e) {
    throw InputError(SourceLocation{config, 0, 0}, "",
                     fmt::format("case {}: {} (the memory available now)", c.id(), e.what()));
  }
}

struct Drawn {
  CaseMask mask;
  bool shows = true;  // false: the same shape at every configured length (drawn at the shortest)
};

// The pattern's cases by length, shortest first: the first whose structure shows.
Drawn choose_length(const std::vector<const Case*>& by_length, const std::string& config) {
  Drawn first{build(*by_length.front(), config), false};
  if (structure_shows(first.mask)) return {std::move(first.mask), true};
  for (std::size_t i = 1; i < by_length.size(); ++i) {
    CaseMask mask = build(*by_length[i], config);
    if (structure_shows(mask)) return {std::move(mask), true};
  }
  return first;
}

std::vector<std::string> caption(const Drawn& d) {
  const CaseRecord& r = d.mask.record;
  std::vector<std::string> lines = wrap_text(parameters_label(r), kCaptionChars);
  lines.push_back(fmt::format("n = {}{}: {} queries x {} keys", r.key.seq_len, d.shows ? "" : " *",
                              r.q_len, r.kv_len));
  if (d.mask.layout.layout_heads > 1) {
    const double head0 = static_cast<double>(allowed_pairs(d.mask.layout, 0)) /
                         static_cast<double>(r.q_len * r.kv_len);
    lines.push_back(fmt::format("head 0 of {}: density {:.3f}", r.key.heads, head0));
    lines.push_back(
        fmt::format("(all heads {:.3f}, tiles {:.3f})", r.density.element, r.density.tile));
  } else {
    lines.push_back(fmt::format("density {:.3f}, tiles {:.3f}", r.density.element, r.density.tile));
  }
  return lines;
}

}  // namespace

Figure gallery_figure(const Experiment& experiment) {
  // Per pattern (in config order), its first case at each length.
  std::vector<std::string> order;
  std::map<std::string, std::map<Index, const Case*>> cases;
  for (const Case& c : experiment.cases) {
    if (!c.skip_reason.empty()) continue;  // a sweep point the pattern cannot take
    const std::string spec = c.pattern.text();
    if (!cases.contains(spec)) order.push_back(spec);
    cases[spec].emplace(c.key.seq_len, &c);
  }
  std::vector<Drawn> drawn;
  std::vector<Index> lengths;
  for (const std::string& spec : order) {
    std::vector<const Case*> by_length;
    for (const auto& [length, c] : cases[spec]) {
      by_length.push_back(c);
      if (std::find(lengths.begin(), lengths.end(), length) == lengths.end())
        lengths.push_back(length);
    }
    drawn.push_back(choose_length(by_length, experiment.config_path));
  }
  std::sort(lengths.begin(), lengths.end());
  std::vector<MaskPanel> panels;
  for (const Drawn& d : drawn) panels.push_back({&d.mask.layout, 0, caption(d)});
  std::vector<std::string> title = wrap_text(
      fmt::format("{}: each pattern at the shortest of its lengths n ({}) where its mask differs "
                  "from full or causal attention by 5% or more (of the pairs and of the panel's "
                  "cells); * where no length does (drawn at the shortest).",
                  experiment.name, fmt::join(lengths, ", ")),
      150);
  return mask_picture(title, panels, {{kPanelPixels, 0}, false, 4});
}

int gallery_command(const GalleryArgs& args) {
  if (!args.out.ends_with(".png") && !args.out.ends_with(".svg")) {
    throw InputError(SourceLocation{"--out", 0, 0}, "",
                     fmt::format("'{}': expected a file name ending in .png or .svg", args.out));
  }
  Experiment experiment = load_experiment(args.config, parse_overrides(args.sets));
  keep_chosen(experiment, CaseChoice{args.entry, args.case_ids});
  const Figure figure = gallery_figure(experiment);
  write_figure(figure, args.out, "--out");
  fmt::print("wrote {} ({}x{} px)\n", args.out, figure.width, figure.height);
  return 0;
}

}  // namespace attnbench
