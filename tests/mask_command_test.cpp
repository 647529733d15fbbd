// `attnbench mask --npy`: the file is a valid .npy holding exactly the pattern's band.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "cli/commands.hpp"

namespace attnbench {
namespace {

struct Npy {
  std::string header;
  std::vector<std::uint8_t> data;
};

Npy read_npy(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  std::stringstream bytes;
  bytes << file.rdbuf();
  const std::string all = bytes.str();
  EXPECT_EQ(all.substr(0, 8), std::string("\x93NUMPY\x01\x00", 8));
  // The header length, little-endian in bytes 8 and 9.
  const std::size_t header_len = std::size_t{static_cast<unsigned char>(all[8])} |
                                 std::size_t{static_cast<unsigned char>(all[9])} << 8;
  EXPECT_EQ((10 + header_len) % 64, 0u);
  Npy npy{all.substr(10, header_len), {}};
  npy.data.assign(all.begin() + static_cast<std::ptrdiff_t>(10 + header_len), all.end());
  return npy;
}

std::string temp_file(const std::string& name) {
  return (std::filesystem::temp_directory_path() / (name + std::to_string(::getpid()) + ".npy"))
      .string();
}

TEST(MaskCommand, CausalBandAsUint8) {
  const std::string path = temp_file("band");
  MaskArgs args{.pattern = "sliding_window",
                .seq_len = 1000,
                .sets = {"radius=100", "causal=true"},
                .npy = path};
  ASSERT_EQ(mask_command(args), 0);
  const Npy npy = read_npy(path);
  EXPECT_NE(npy.header.find("'descr': '|u1'"), std::string::npos);
  EXPECT_NE(npy.header.find("'shape': (1000, 1000)"), std::string::npos);
  ASSERT_EQ(npy.data.size(), 1000u * 1000u);
  for (Index i = 0; i < 1000; ++i) {
    for (Index j = 0; j < 1000; ++j) {
      ASSERT_EQ(npy.data[static_cast<std::size_t>(i * 1000 + j)], (j <= i && j >= i - 100) ? 1 : 0)
          << i << "," << j;
    }
  }
  std::filesystem::remove(path);
}

TEST(MaskCommand, BottomRightShiftsByKvMinusQ) {
  const std::string path = temp_file("shifted");
  MaskArgs args{.pattern = "sliding_window",
                .seq_len = 1000,
                .kv_len = 500,
                .sets = {"radius=100", "causal=true", "align=bottom_right"},
                .npy = path};
  ASSERT_EQ(mask_command(args), 0);
  const Npy npy = read_npy(path);
  EXPECT_NE(npy.header.find("'shape': (1000, 500)"), std::string::npos);
  for (Index i = 0; i < 1000; ++i) {
    const Index position = i + 500 - 1000;
    for (Index j = 0; j < 500; ++j) {
      ASSERT_EQ(npy.data[static_cast<std::size_t>(i * 500 + j)],
                (j <= position && j >= position - 100) ? 1 : 0);
    }
  }
  std::filesystem::remove(path);
}

TEST(MaskCommand, LayoutNpyHasTileKinds) {
  const std::string path = temp_file("layout");
  MaskArgs args{.pattern = "dense",
                .seq_len = 100,
                .heads = 2,
                .block = 32,
                .sets = {"causal=true"},
                .layout_npy = path};
  ASSERT_EQ(mask_command(args), 0);
  const Npy npy = read_npy(path);
  EXPECT_NE(npy.header.find("'shape': (2, 4, 4)"), std::string::npos);
  ASSERT_EQ(npy.data.size(), 32u);
  EXPECT_EQ(npy.data[0], 1);  // diagonal tile: partial
  EXPECT_EQ(npy.data[1], 0);  // above the diagonal: empty
  EXPECT_EQ(npy.data[4], 2);  // below: full
  std::filesystem::remove(path);
}

TEST(MaskCommand, BadParameterIsInputError) {
  MaskArgs args{.pattern = "sliding_window", .seq_len = 10, .sets = {"raduis=3"}};
  EXPECT_THROW(mask_command(args), InputError);
  args.pattern = "nope";
  EXPECT_THROW(mask_command(args), InputError);
}

}  // namespace
}  // namespace attnbench
