// `attnbench mask`: one pattern's mask as a NumPy array, its tile layout, or a block view in
// the terminal, without running anything: a plugin with parameters given on the command line, or
// a case of a config (--config, --entry, --case) built exactly as `run` builds it.
#include <fmt/format.h>

#include <algorithm>
#include <tuple>
#include <utility>

#include "cli/commands.hpp"
#include "cli/config_cases.hpp"
#include "config/expand.hpp"
#include "config/labels.hpp"
#include "core/cores.hpp"
#include "core/layout.hpp"
#include "core/layout_bound.hpp"
#include "core/prepare_mask.hpp"
#include "core/registry.hpp"
#include "exec/problem.hpp"
#include "measure/memory.hpp"
#include "report/mask_figure.hpp"
#include "report/npy.hpp"
#include "runner/case_runner.hpp"

namespace attnbench {

namespace {

constexpr Index kMaxMaskBytes = Index{1} << 32;
constexpr Index kMaxLength = Index{1} << 30;  // as in a config

const PatternInfo& pattern_or_fail(const std::string& name) {
  const PatternInfo* info = find_pattern(name);
  if (info != nullptr) return *info;
  std::vector<std::string> known;
  for (const PatternInfo* p : all_patterns()) known.push_back(p->name);
  const std::string near = closest_name(name, known);
  throw InputError(SourceLocation{"mask", 0, 0}, "",
                   fmt::format("unknown pattern '{}'{} (known: {})", name,
                               near.empty() ? "" : fmt::format(", did you mean '{}'?", near),
                               fmt::join(known, ", ")));
}

std::vector<std::string> param_names(const PatternInfo& info) {
  std::vector<std::string> names;
  for (const ParamSpec& spec : info.params) names.push_back(spec.name);
  return names;
}

// The pattern and its layout, through the same path as `run`; content-dependent patterns decide
// from seeded random inputs, as a run with `seed` would.
PreparedMask prepare(const MaskArgs& args, const PatternSpec& spec, Index q_len, Index kv_len) {
  const Problem problem{1, args.heads, args.heads, q_len, kv_len, args.head_dim, 1};
  Tensors inputs;
  const int threads = args.threads > 0 ? args.threads : static_cast<int>(usable_cores());
  try {
    return prepare_mask(MaskRequest{spec, q_len, kv_len, static_cast<int>(args.heads), args.block,
                                    args.block, std::max(threads, 1), available_memory_bytes(),
                                    static_cast<std::int64_t>(problem.io_bytes())},
                        [&] {
                          inputs = random_inputs(problem, args.seed);
                          return content_inputs(problem, inputs);
                        });
  } catch (const ParamError& e) {
    // Blame --set only for a parameter the user set; a default names the pattern.
    const bool was_set = std::any_of(args.sets.begin(), args.sets.end(), [&](const std::string& s) {
      return s.rfind(e.param() + "=", 0) == 0;
    });
    const std::string where =
        was_set ? "--set " + e.param() : fmt::format("{} (its default {})", spec.name, e.param());
    throw InputError(SourceLocation{where, 0, 0}, e.param(), e.what());
  } catch (const MemoryNeed& e) {
    throw InputError(SourceLocation{"--seq-len", 0, 0}, "",
                     fmt::format("the mask {} (the memory available now)", e.what()));
  }
}

std::vector<std::uint8_t> element_mask(const Pattern& pattern, int head) {
  const Geometry& g = pattern.geometry();
  std::vector<std::uint8_t> mask(static_cast<std::size_t>(g.q_len * g.kv_len));
  for (Index r = 0; r < g.q_len; ++r) {
    pattern.fill_row(head, r + g.q_offset, 0, g.kv_len, mask.data() + r * g.kv_len);
  }
  return mask;
}

// 0 empty, 1 partial, 2 full, per (head, q tile, kv tile).
std::vector<std::uint8_t> tile_kinds(const BlockLayout& layout, Index heads) {
  std::vector<std::uint8_t> kinds(
      static_cast<std::size_t>(heads * layout.q_tiles * layout.kv_tiles), 0);
  for (Index h = 0; h < heads; ++h) {
    for (Index qt = 0; qt < layout.q_tiles; ++qt) {
      for (const LayoutTile& tile : layout.row(static_cast<int>(h), qt)) {
        kinds[static_cast<std::size_t>((h * layout.q_tiles + qt) * layout.kv_tiles +
                                       tile.kv_tile)] = static_cast<std::uint8_t>(tile.kind);
      }
    }
  }
  return kinds;
}

// At most 64 x 64 characters: '#' all full, '.' all empty, '+' anything else. Read from the
// layout's rows, one character cell at a time, so that memory stays at 64 x 64 counts whatever
// the length.
void print_ascii(const BlockLayout& layout, Index head) {
  const Index step_q = std::max<Index>(1, (layout.q_tiles + 63) / 64);
  const Index step_k = std::max<Index>(1, (layout.kv_tiles + 63) / 64);
  fmt::print(
      "head {}: {} x {} tiles of {}x{}, one character per {}x{} tiles ('#' full, '+' "
      "partial, '.' empty)\n",
      head, layout.q_tiles, layout.kv_tiles, layout.shape.block_q, layout.shape.block_kv, step_q,
      step_k);
  const auto columns = static_cast<std::size_t>((layout.kv_tiles + step_k - 1) / step_k);
  for (Index qt = 0; qt < layout.q_tiles; qt += step_q) {
    const Index rows = std::min(qt + step_q, layout.q_tiles) - qt;
    std::vector<Index> full(columns, 0), partial(columns, 0);
    for (Index a = qt; a < qt + rows; ++a) {
      for (const LayoutTile& tile : layout.row(static_cast<int>(head), a)) {
        const auto column = static_cast<std::size_t>(tile.kv_tile / step_k);
        ++(tile.kind == TileKind::kFull ? full : partial)[column];
      }
    }
    std::string line;
    for (std::size_t column = 0; column < columns; ++column) {
      const Index first = static_cast<Index>(column) * step_k;
      const Index area = rows * (std::min(first + step_k, layout.kv_tiles) - first);
      line += (full[column] == area) ? '#' : (full[column] + partial[column] == 0) ? '.' : '+';
    }
    fmt::print("{}\n", line);
  }
}

void write_positions(const Pattern& pattern, int head, const std::string& path) {
  const Geometry& g = pattern.geometry();
  std::vector<std::int32_t> positions(static_cast<std::size_t>(g.q_len * g.kv_len), -1);
  std::vector<std::uint8_t> row(static_cast<std::size_t>(g.kv_len));
  for (Index r = 0; r < g.q_len; ++r) {
    pattern.fill_row(head, r + g.q_offset, 0, g.kv_len, row.data());
    for (Index k = 0; k < g.kv_len; ++k) {
      if (row[static_cast<std::size_t>(k)]) {
        positions[static_cast<std::size_t>(r * g.kv_len + k)] =
            static_cast<std::int32_t>(pattern.relative_position(head, r + g.q_offset, k));
      }
    }
  }
  write_npy_i32(path, {g.q_len, g.kv_len}, positions);
  fmt::print(stderr, "wrote {} (int32 {}x{}: relative position, -1 where not allowed)\n", path,
             g.q_len, g.kv_len);
}

// "sliding_window radius=100 causal=true": the name and every parameter but a default align.
std::string plugin_title(const PatternSpec& spec) {
  std::string label = spec.name;
  for (const std::string& param : spec.param_order) {
    const std::string value = format_value(spec.params.at(param));
    if (param != "align" || value != "top_left") label += " " + param + "=" + value;
  }
  return label;
}

// What the outputs need besides the options: the mask, its layout and how to title it.
struct MaskOutput {
  const Pattern& pattern;
  const BlockLayout& layout;
  Index heads;
  std::vector<std::string> title;  // the pattern's lines of a picture's title
};

// The picture: one panel (head --head), or one per head with --all-heads when heads differ.
void write_pictures(const MaskArgs& args, const MaskOutput& m) {
  const BlockLayout& layout = m.layout;
  const LayoutShape& s = layout.shape;
  const bool differ = layout.layout_heads > 1;
  std::vector<int> heads = {static_cast<int>(args.head)};
  if (args.all_heads && differ) {
    heads.clear();
    for (int h = 0; h < static_cast<int>(m.heads); ++h) heads.push_back(h);
  }
  const double pairs = static_cast<double>(s.q_len) * static_cast<double>(s.kv_len);
  std::vector<MaskPanel> panels;
  for (const int h : heads) {
    const std::string which =
        !differ ? (m.heads > 1 ? fmt::format("all {} heads (one mask)", m.heads) : "")
                : fmt::format("head {} of {}", h, m.heads);
    panels.push_back({&layout,
                      h,
                      {fmt::format("{}{}density {:.4f}", which, which.empty() ? "" : ": ",
                                   static_cast<double>(allowed_pairs(layout, h)) / pairs)}});
  }
  std::vector<std::string> title = m.title;
  title.push_back(
      fmt::format("{} queries x {} keys{}", s.q_len, s.kv_len,
                  differ && !args.all_heads ? "; heads differ: --all-heads draws each" : ""));
  const MaskPictureOptions options{{args.size, args.scale}, args.tiles, 4};
  const Figure figure = mask_picture(title, panels, options);
  for (const auto& [path, option] : {std::pair{args.png, "--png"}, std::pair{args.svg, "--svg"}}) {
    if (path.empty()) continue;
    write_figure(figure, path, option);
    fmt::print(stderr, "wrote {} ({}x{} px)\n", path, figure.width, figure.height);
  }
}

[[noreturn]] void bad(const std::string& option, const std::string& what) {
  throw InputError(SourceLocation{option, 0, 0}, "", what);
}

void check_picture_args(const MaskArgs& args, Index longer) {
  for (const auto& [path, option, suffix] :
       {std::tuple{args.png, "--png", ".png"}, std::tuple{args.svg, "--svg", ".svg"}}) {
    if (!path.empty() && !path.ends_with(suffix))
      bad(option, fmt::format("'{}': expected a file name ending in {}", path, suffix));
  }
  if (args.size < 16 || args.size > 16384) bad("--size", "expected 16 to 16384 pixels");
  if (args.scale < 0 || args.scale > 64) bad("--scale", "expected 1 to 64 pixels per token");
  if (args.scale > 0 && longer * args.scale > 16384) {
    bad("--scale",
        fmt::format("{} tokens at {} px each exceed 16384 px; use --size", longer, args.scale));
  }
  if (args.scale == 1 && longer >= 256) {
    bad("--scale", fmt::format("1 px per token draws 1-px lines in a {}-px picture; expected 2 or "
                               "more (or --size)",
                               longer));
  }
}

// The lengths, heads and tiles of a mask given without a config.
void check_pattern_args(const MaskArgs& args) {
  if (args.pattern.empty()) {
    bad("mask",
        "which mask? give a PATTERN and --seq-len, or --config FILE (with --entry, --case)");
  }
  if (args.seq_len == 0) bad("--seq-len", "missing: a PATTERN needs --seq-len, the query length");
  if (args.seq_len < 1) bad("--seq-len", "expected a length of at least 1");
  if (args.kv_len < 0) bad("--kv-len", "expected a length of at least 1");
  if (args.heads < 1) bad("--heads", "expected at least 1 head");
  if (args.block < 1) bad("--block", "expected a tile size of at least 1");
  if (args.seq_len > kMaxLength) bad("--seq-len", fmt::format("expected at most {}", kMaxLength));
  if (args.kv_len > kMaxLength) bad("--kv-len", fmt::format("expected at most {}", kMaxLength));
  if (args.head_dim < 1) bad("--head-dim", "expected a head dimension of at least 1");
}

void check_outputs(const MaskArgs& args) {
  if (args.npy.empty() && args.layout_npy.empty() && args.positions.empty() && args.png.empty() &&
      args.svg.empty() && !args.ascii) {
    bad("mask", "nothing to write: give --npy, --layout-npy, --positions, --png, --svg or --ascii");
  }
}

// What the outputs would take for a mask of this shape: refused beyond 4 GiB.
void check_sizes(const MaskArgs& args, const LayoutShape& shape, Index heads) {
  if (args.head < 0 || args.head >= heads)
    bad("--head", fmt::format("expected a head index below the {} heads", heads));
  const Index q = shape.q_len, kv = shape.kv_len;
  const Index exported = args.all_heads ? heads : 1;
  if ((!args.npy.empty() || !args.positions.empty()) &&
      (q > kMaxMaskBytes / kv || q * kv > kMaxMaskBytes / exported)) {
    bad("--npy", "the element mask would exceed 4 GiB; use --layout-npy or --ascii");
  }
  const Index tiles =
      ((q + shape.block_q - 1) / shape.block_q) * ((kv + shape.block_kv - 1) / shape.block_kv);
  if (!args.layout_npy.empty() && tiles > kMaxMaskBytes / heads) {
    bad("--layout-npy", fmt::format("the tile layout would take {} (more than 4 GiB); use --ascii "
                                    "or a larger --block",
                                    format_bytes(tiles * heads)));
  }
}

// Every output the options ask for, from a built mask.
int write_outputs(const MaskArgs& args, const MaskOutput& m) {
  const Geometry& g = m.pattern.geometry();
  if (!args.npy.empty()) {
    std::vector<std::uint8_t> data;
    const Index first = args.all_heads ? 0 : args.head;
    const Index last = args.all_heads ? m.heads : args.head + 1;
    for (Index h = first; h < last; ++h) {
      const std::vector<std::uint8_t> mask = element_mask(m.pattern, static_cast<int>(h));
      data.insert(data.end(), mask.begin(), mask.end());
    }
    std::vector<std::int64_t> shape = {g.q_len, g.kv_len};
    if (args.all_heads) shape.insert(shape.begin(), m.heads);
    write_npy_u8(args.npy, shape, data);
    fmt::print(stderr, "wrote {} (uint8 {})\n", args.npy, fmt::join(shape, "x"));
  }
  if (!args.positions.empty())
    write_positions(m.pattern, static_cast<int>(args.head), args.positions);
  if (!args.layout_npy.empty()) {
    const BlockLayout& layout = m.layout;
    const std::vector<std::uint8_t> kinds = tile_kinds(layout, m.heads);
    write_npy_u8(args.layout_npy, {m.heads, layout.q_tiles, layout.kv_tiles}, kinds);
    fmt::print(stderr, "wrote {} (uint8 {}x{}x{}: 0 empty, 1 partial, 2 full)\n", args.layout_npy,
               m.heads, layout.q_tiles, layout.kv_tiles);
  }
  if (args.ascii) print_ascii(m.layout, args.head);
  if (!args.png.empty() || !args.svg.empty()) write_pictures(args, m);
  return 0;
}

// A case of a config: the mask `run` builds for it (build_case_mask: the cell runner's
// build_mask on the case's own inputs), so the files are the mask `run` executes.
int config_mask(const MaskArgs& args) {
  if (!args.pattern_options.empty()) {
    bad(args.pattern_options.front(),
        fmt::format("{} describe a mask without a config; with --config the case gives its "
                    "lengths, heads, tiles and inputs (change them with --set KEY=VALUE)",
                    fmt::join(args.pattern_options, ", ")));
  }
  const Experiment experiment = load_experiment(args.config, parse_overrides(args.sets));
  const Case& c = one_case(experiment, CaseChoice{args.entry, args.case_ids});
  if (c.key.pass == Pass::kDecode) {
    bad("--case", fmt::format("case {} decodes: its mask grows a step at a time with its cache; "
                              "mask exports the mask of a forward, backward or train case",
                              c.id()));
  }
  check_sizes(args, c.layout_shape(), c.heads());
  if (!args.png.empty() || !args.svg.empty()) check_picture_args(args, std::max(c.q_len, c.kv_len));
  fmt::print(stderr, "case {} ({})\n", c.id(), c.label);
  CaseMask built;
  try {
    built = build_case_mask(c, available_memory_bytes());
  } catch (const MemoryNeed& e) {
    bad(args.config,
        fmt::format("case {}: the mask {} (the memory available now)", c.id(), e.what()));
  }
  std::vector<std::string> title = wrap_text(c.label, 100);
  if (const std::string generated = spec_label(c.pattern); generated != c.label) {
    for (const std::string& line : wrap_text(generated, 100)) title.push_back(line);
  }
  return write_outputs(args, {*built.pattern, built.layout, c.heads(), title});
}

}  // namespace

int mask_command(const MaskArgs& args) {
  check_outputs(args);
  if (!args.config.empty()) return config_mask(args);
  check_pattern_args(args);
  check_sizes(args,
              {args.seq_len, args.kv_len ? args.kv_len : args.seq_len, args.block, args.block},
              args.heads);
  const PatternInfo& info = pattern_or_fail(args.pattern);
  const std::vector<Override> overrides = parse_overrides(args.sets);
  const ParamValues values = params_from_overrides(info, overrides);
  const auto [q_len, kv_len] =
      executed_lengths(info, args.seq_len, args.kv_len ? args.kv_len : args.seq_len, values);
  if (info.lengths && args.kv_len != 0 && args.kv_len != args.seq_len) {
    throw InputError(SourceLocation{"--kv-len", 0, 0}, "",
                     fmt::format("pattern {} derives its key length from --seq-len; it cannot "
                                 "take another --kv-len",
                                 info.name));
  }
  const PatternSpec spec{info.name, values, param_names(info)};
  if (!args.png.empty() || !args.svg.empty()) check_picture_args(args, std::max(q_len, kv_len));
  const PreparedMask prepared = prepare(args, spec, q_len, kv_len);
  return write_outputs(args,
                       {*prepared.pattern, prepared.layout, args.heads, {plugin_title(spec)}});
}

}  // namespace attnbench
