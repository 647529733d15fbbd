// The block layout stores each distinct partial-tile mask once per chunk of query tiles, and the
// shared masks expand back to the predicate exactly.
#include <gtest/gtest.h>

#include "core/layout.hpp"
#include "pattern_cases.hpp"

namespace attnbench::testing {
namespace {

TEST(Layout, RepeatedPartialMasksAreStoredOncePerChunk) {
  const Index n = 64 * 64;  // 64 query tiles: 4 chunks of 16
  const auto window = make("sliding_window", {{"radius", Index{100}}, {"causal", true}}, n);
  const BlockLayout layout = build_layout(*window, {n, n, 64, 64}, 2);
  Index partial = 0;
  for (Index qt = 0; qt < layout.q_tiles; ++qt) {
    for (const LayoutTile& t : layout.row(0, qt)) partial += t.kind == TileKind::kPartial;
  }
  // Every row has a diagonal tile and a tile at the window's far edge, both partial; along the
  // diagonal they repeat, so each chunk stores at most a few distinct ones.
  EXPECT_GE(partial, 2 * layout.q_tiles - 2);
  const std::size_t mask_bytes = 64 * 64;
  EXPECT_LE(layout.masks.size(), 4 * 4 * mask_bytes) << partial << " partial tiles";
  const std::vector<std::uint8_t> mask = expand_layout(layout, 0);
  for (Index r = 0; r < n; r += 7) {
    for (Index k = 0; k < n; ++k) {
      ASSERT_EQ(mask[static_cast<std::size_t>(r * n + k)] != 0, window->allows(0, r, k))
          << "row " << r << " key " << k;
    }
  }
}

}  // namespace
}  // namespace attnbench::testing
