// `attnbench gallery CONFIG --out FILE.png`: every pattern of a config side by side as small
// square mask pictures (queries down, keys across) under its name and element density, at the
// config's first length: the one-glance comparison figure of surveys of local attention.
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <set>

#include "cli/commands.hpp"
#include "core/layout_bound.hpp"
#include "measure/memory.hpp"
#include "report/mask_image.hpp"
#include "runner/case_runner.hpp"

namespace attnbench {

namespace {

constexpr int kPanel = 220, kLabel = 34, kMargin = 16, kColumns = 4;
constexpr Rgb kInk = {20, 20, 20};

void draw_panel(Image& canvas, const CaseMask& mask, int x, int y) {
  const Image picture = mask_image(mask.layout, 0, kPanel);
  canvas.fill(x - 1, y - 1, kPanel + 2, kPanel + 2, kInk);  // a frame, so empty corners show
  canvas.fill(x, y, kPanel, kPanel, kEmptyColor);
  canvas.paste(picture, x, y);
  const CaseRecord& r = mask.record;
  canvas.text(x, y + kPanel + 6, fmt::format("{}  D={:.3f}", r.pattern, r.density.element), kInk);
  canvas.text(x, y + kPanel + 16,
              fmt::format("{}x{} TILE D={:.3f}", r.q_len, r.kv_len, r.density.tile), kInk);
}

}  // namespace

int gallery_command(const std::string& config, const std::vector<std::string>& sets,
                    const std::string& out) {
  const std::vector<Override> overrides = parse_overrides(sets);
  const Experiment experiment = load_experiment(config, overrides);
  std::set<std::string> seen;
  std::vector<CaseMask> masks;
  for (const Case& c : experiment.cases) {
    if (!seen.insert(c.pattern.text()).second ||
        c.key.seq_len != experiment.cases.front().key.seq_len)
      continue;
    try {
      masks.push_back(build_case_mask(c, available_memory_bytes()));
    } catch (const MemoryNeed& e) {
      throw InputError(SourceLocation{experiment.config_path, 0, 0}, "",
                       fmt::format("case {}: {} (the memory available now)", c.id(), e.what()));
    }
  }
  const int columns = std::min<int>(kColumns, static_cast<int>(masks.size()));
  const int rows = (static_cast<int>(masks.size()) + columns - 1) / columns;
  const int cell_w = kPanel + 2 * kMargin, cell_h = kPanel + kLabel + kMargin;
  Image canvas(columns * cell_w, 40 + rows * cell_h, kEmptyColor);
  canvas.text(kMargin, 12,
              fmt::format("{}: masks at {} tokens (first head)", experiment.name,
                          experiment.cases.front().key.seq_len),
              kInk, 2);
  for (std::size_t i = 0; i < masks.size(); ++i) {
    draw_panel(canvas, masks[i], kMargin + static_cast<int>(i % kColumns) * cell_w,
               40 + static_cast<int>(i / kColumns) * cell_h);
  }
  write_png(canvas, out);
  fmt::print("wrote {} ({} patterns, {}x{} px)\n", out, masks.size(), canvas.width(),
             canvas.height());
  return 0;
}

}  // namespace attnbench
