// BigBird (Zaheer et al. 2020), block level: block row bi sees the window |bi - bj| <=
// window_blocks / 2, every global block (negative indices count from the end) and
// `random_blocks` further blocks drawn without replacement from the rest, per head and row,
// from `seed` or replayed from `replay` (int32 [heads, q_blocks, random_blocks], -1 = none);
// global block rows see everything. The count, not a closed form, is the truth for the random
// part (Appendix C).
#include <fmt/format.h>

#include <algorithm>
#include <random>

#include <attnbench/common_params.hpp>
#include <attnbench/errors.hpp>
#include <attnbench/interval_pattern.hpp>
#include <attnbench/registry.hpp>
#include <attnbench/replay.hpp>

namespace attnbench {
namespace {

class BigBird final : public IntervalPattern {
 public:
  BigBird(const Geometry& g, const ParamValues& p)
      : IntervalPattern(g),
        block_(p.get_int("block")),
        window_(p.get_int("window_blocks")),
        random_(p.get_int("random_blocks")),
        blocks_((g.kv_len + block_ - 1) / block_) {
    if (g.q_len != g.kv_len || g.q_offset != 0)
      throw ParamError("align", "BigBird runs square lengths only");
    if (window_ % 2 == 0)
      throw ParamError("window_blocks", "the window must be odd (centred on the query's block)");
    for (Index b : p.get_list("global_blocks")) {
      const Index block = b < 0 ? blocks_ + b : b;
      if (block < 0 || block >= blocks_)
        throw ParamError("global_blocks",
                         fmt::format("block {} does not exist ({} blocks)", b, blocks_));
      global_.push_back(block);
    }
    std::sort(global_.begin(), global_.end());
    global_.erase(std::unique(global_.begin(), global_.end()), global_.end());
    // Divided rather than multiplied: random_blocks has no upper bound of its own.
    if (random_ > (Index{1} << 26) / (g.heads * blocks_)) {
      throw ParamError("random_blocks",
                       fmt::format("{} heads x {} blocks x {} random blocks is too large a table; "
                                   "use larger blocks",
                                   g.heads, blocks_, random_));
    }
    if (const std::string& replay = p.get_string("replay"); !replay.empty()) {
      load_replay(replay);
    } else {
      draw(static_cast<std::uint64_t>(p.get_int("seed")));
    }
  }

  void key_intervals(int head, Index q, Intervals& out) const override {
    const Index row = q / block_, n = geometry().kv_len;
    if (is_global(row)) return out.add(0, n);
    out.add((row - window_ / 2) * block_, (row + window_ / 2 + 1) * block_);
    for (Index g : global_) out.add(g * block_, (g + 1) * block_);
    const std::int32_t* chosen = chosen_.data() + (head * blocks_ + row) * random_;
    for (Index i = 0; i < random_; ++i) {
      if (chosen[i] >= 0) out.add(chosen[i] * block_, (chosen[i] + 1) * block_);
    }
  }

  bool varies_by_head() const override { return random_ > 0; }

 private:
  bool is_global(Index block) const {
    return std::binary_search(global_.begin(), global_.end(), block);
  }
  bool in_window(Index row, Index block) const { return std::abs(row - block) <= window_ / 2; }

  void draw(std::uint64_t seed) {
    std::mt19937_64 generator(seed);
    for (Index h = 0; h < geometry().heads; ++h) {
      for (Index row = 0; row < blocks_; ++row) {
        std::vector<std::int32_t> pool;
        for (Index b = 0; b < blocks_; ++b) {
          if (!is_global(b) && !in_window(row, b)) pool.push_back(static_cast<std::int32_t>(b));
        }
        std::shuffle(pool.begin(), pool.end(), generator);
        for (Index i = 0; i < random_; ++i)
          chosen_.push_back(i < static_cast<Index>(pool.size()) ? pool[static_cast<std::size_t>(i)]
                                                                : -1);
      }
    }
  }

  void load_replay(const std::string& path) {
    chosen_ = read_replay(path, {geometry().heads, blocks_, random_});
    for (std::int32_t b : chosen_) {
      if (b < -1 || b >= blocks_)
        throw ParamError("replay", fmt::format("block {} does not exist", b));
    }
  }

  Index block_, window_, random_, blocks_;
  IndexList global_;
  std::vector<std::int32_t> chosen_;  // heads x blocks x random_blocks
};

const bool kRegistered = register_pattern({
    .name = "bigbird",
    .summary = "BigBird, block level: window blocks + global blocks + random blocks (seeded or "
               "replayed); global rows see all",
    .params = {{.name = "block",
                .type = ParamType::kInt,
                .default_value = Index{64},
                .help = "block length",
                .min = 1},
               {.name = "window_blocks",
                .type = ParamType::kInt,
                .default_value = Index{3},
                .help = "odd number of blocks in the centred window",
                .min = 1},
               {.name = "global_blocks",
                .type = ParamType::kIntList,
                .default_value = IndexList{0, -1},
                .help = "global block indices (negative: from the end)",
                .min = -(Index{1} << 30)},
               {.name = "random_blocks",
                .type = ParamType::kInt,
                .default_value = Index{3},
                .help = "random blocks per block row"},
               {.name = "seed",
                .type = ParamType::kInt,
                .default_value = Index{0},
                .help = "seed of the random blocks"},
               replay_param("int32 [heads, q_blocks, random_blocks] to replay (-1 = none)")},
    .make = [](const Geometry& g, const ParamValues& p) { return std::make_unique<BigBird>(g, p); },
    .examples = {{{"block", Index{4}}, {"random_blocks", Index{2}}},
                 {{"block", Index{7}}, {"global_blocks", IndexList{1}}}},
    .square_only = true,
});

}  // namespace
}  // namespace attnbench
