// Mask pictures: allowed, computed-but-masked and never-visited regions get their colours, and
// downsampling draws a pixel allowed when any of its pairs is.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "core/layout.hpp"
#include "pattern_cases.hpp"
#include "report/mask_image.hpp"

namespace attnbench::testing {
namespace {

TEST(MaskImage, ThreeRegionsAtFullResolution) {
  const auto causal = make("dense", {{"causal", true}}, 100);
  const BlockLayout layout = build_layout(*causal, {100, 100, 32, 32}, 1);
  const Image image = mask_image(layout, 0, 1000);
  ASSERT_EQ(image.width(), 100);
  EXPECT_EQ(image.at(10, 20), kAllowedColor);  // key 10 of query 20
  EXPECT_EQ(image.at(20, 10), kMaskedColor);   // above the diagonal, in the diagonal tile
  EXPECT_EQ(image.at(50, 10), kEmptyColor);    // a tile the executor never visits
}

TEST(MaskImage, DownsamplingKeepsSparseLines) {
  // One allowed key per query (a diagonal): at 1/10 scale every diagonal pixel is allowed.
  const auto diagonal = make("sliding_window", {{"radius", Index{0}}}, 1000);
  const BlockLayout layout = build_layout(*diagonal, {1000, 1000, 64, 64}, 1);
  const Image image = mask_image(layout, 0, 100);
  ASSERT_EQ(image.width(), 100);
  for (int i = 0; i < 100; ++i) EXPECT_EQ(image.at(i, i), kAllowedColor) << i;
  EXPECT_EQ(image.at(3, 0), kMaskedColor);
}

TEST(MaskImage, WritesAPng) {
  Image image(3, 2, kAllowedColor);
  image.text(0, 0, "ok", kEmptyColor);
  const std::string path = (std::filesystem::temp_directory_path() / "attnbench_test.png").string();
  write_png(image, path);
  std::ifstream file(path, std::ios::binary);
  std::string magic(8, '\0');
  file.read(magic.data(), 8);
  EXPECT_EQ(magic, std::string("\x89PNG\r\n\x1a\n", 8));
  std::filesystem::remove(path);
}

}  // namespace
}  // namespace attnbench::testing
