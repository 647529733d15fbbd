// `attnbench mask --png/--svg` and `attnbench gallery`: the files are written at the picture's
// size, are not blank, name what they draw, and the gallery draws each pattern at a length where
// its mask differs from causal attention.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "cli/commands.hpp"
#include "config/experiment.hpp"
#include "report/mask_image.hpp"

namespace attnbench {
namespace {

std::string temp_path(const std::string& name) {
  return (std::filesystem::temp_directory_path() /
          (std::to_string(::getpid()) + "_attnbench_" + name))
      .string();
}

std::string read_text(const std::string& path) {
  std::stringstream text;
  text << std::ifstream(path).rdbuf();
  return text.str();
}

std::vector<std::string> texts(const Figure& figure) {
  std::vector<std::string> out;
  for (const Shape& s : figure.shapes) {
    if (const auto* t = std::get_if<TextItem>(&s)) out.push_back(t->text);
  }
  return out;
}

bool has_text(const Figure& figure, const std::string& part) {
  for (const std::string& t : texts(figure)) {
    if (t.find(part) != std::string::npos) return true;
  }
  return false;
}

int count_color(const Image& image, Rgb color) {
  int n = 0;
  for (int y = 0; y < image.height(); ++y) {
    for (int x = 0; x < image.width(); ++x) n += image.at(x, y) == color;
  }
  return n;
}

TEST(MaskPictures, PngAndSvgOfEveryHead) {
  // BlockBERT with two blocks and a shift: heads differ, so --all-heads draws a panel each.
  const std::string png = temp_path("heads.png"), svg = temp_path("heads.svg");
  MaskArgs args{.pattern = "blockbert",
                .seq_len = 512,
                .heads = 4,
                .sets = {"blocks=2"},
                .png = png,
                .svg = svg,
                .size = 256,
                .all_heads = true};
  ASSERT_EQ(mask_command(args), 0);
  const Image image = read_png(png);
  EXPECT_GT(image.width(), 4 * 256);  // four panels side by side
  EXPECT_GT(image.height(), 256);
  EXPECT_GT(count_color(image, kAllowedColor), 4 * 128 * 128 / 2);
  EXPECT_GT(count_color(image, kMaskedColor), 4 * 128 * 128 / 2);
  const std::string text = read_text(svg);
  EXPECT_NE(text.find(">head 3 of 4: density"), std::string::npos);
  EXPECT_NE(text.find("</svg>"), std::string::npos);
  std::filesystem::remove(png);
  std::filesystem::remove(svg);
}

TEST(MaskPictures, ScaleAndBadOptions) {
  const std::string png = temp_path("scale.png");
  MaskArgs args{.pattern = "sliding_window", .seq_len = 64, .sets = {"radius=4"}, .png = png};
  args.scale = 8;
  ASSERT_EQ(mask_command(args), 0);
  const Image image = read_png(png);
  EXPECT_GT(image.width(), 64 * 8);
  std::filesystem::remove(png);
  args.scale = 1, args.seq_len = 1000;  // 1-px lines in a 1000-px picture
  EXPECT_THROW(mask_command(args), InputError);
  args.scale = 0, args.size = 4;
  EXPECT_THROW(mask_command(args), InputError);
  args.size = 512, args.png = temp_path("mask.jpg");
  EXPECT_THROW(mask_command(args), InputError);
}

TEST(Gallery, EachPatternWhereItsStructureShows) {
  const std::string config = temp_path("gallery.yaml");
  std::ofstream(config) << "name: g\nshape: {heads: 2, head_dim: 16}\nseq_len: [256, 1024]\n"
                           "executor: sparse\nthreads: 1\npatterns:\n"
                           "  - {name: streaming_llm, params: {sinks: 4, window: 500}}\n"
                           "  - {name: sliding_window, params: {radius: 16, causal: true}}\n"
                           "  - {name: dense, params: {causal: true}}\n";
  const Figure figure = gallery_figure(load_experiment(config, {}));
  // A window of 500 is all of a 256-token causal mask: drawn at 1024.
  EXPECT_TRUE(has_text(figure, "streaming_llm sinks=4 window=500"));
  EXPECT_TRUE(has_text(figure, "n = 1024: 1024 queries x 1024 keys"));
  EXPECT_TRUE(has_text(figure, "n = 256: 256 queries x 256 keys"));  // the window of 16
  EXPECT_TRUE(has_text(figure, "n = 256 *: 256 queries"));           // causal: never differs
  const std::string png = temp_path("gallery.png");
  ASSERT_EQ(gallery_command(config, {}, png), 0);
  const Image image = read_png(png);
  EXPECT_EQ(image.width(), figure.width);
  EXPECT_EQ(image.height(), figure.height);
  EXPECT_GT(count_color(image, kAllowedColor), 3 * 100 * 100 / 4);
  const std::string svg = temp_path("gallery.svg");
  ASSERT_EQ(gallery_command(config, {}, svg), 0);
  EXPECT_NE(read_text(svg).find("streaming_llm sinks=4 window=500"), std::string::npos);
  for (const std::string& path : {config, png, svg}) std::filesystem::remove(path);
}

}  // namespace
}  // namespace attnbench
