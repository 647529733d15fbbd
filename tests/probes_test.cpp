// The machine probes: measured, then taken from the cache under $XDG_CACHE_HOME until
// --reprobe; a probe whose spread exceeds 1.25 counts as disturbed.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>

#include "measure/environment.hpp"
#include "runner/probes.hpp"

namespace attnbench {
namespace {

TEST(Probes, FigureIsTheMedianOfItsSamples) {
  const ProbeFigure f = figure_of({3, 1, 2, 10});
  EXPECT_DOUBLE_EQ(f.median, 2.5);
  EXPECT_DOUBLE_EQ(f.min, 1);
  EXPECT_DOUBLE_EQ(f.max, 10);
  EXPECT_EQ(f.samples, 4);
  EXPECT_EQ(f.source, "measured");
  EXPECT_TRUE(f.disturbed());
  EXPECT_FALSE(figure_of({100, 110, 120}).disturbed());
}

TEST(Probes, CachedPerMachineUntilReprobe) {
  const auto dir =
      std::filesystem::temp_directory_path() / ("attnbench_probes_" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  const char* before = std::getenv("XDG_CACHE_HOME");
  const std::string saved = before ? before : "";
  ::setenv("XDG_CACHE_HOME", dir.c_str(), 1);
  EXPECT_EQ(probe_cache_path(), (dir / "attnbench" / "probes.json").string());
  const Environment env = read_environment();
  const ProbeOptions options{.threads = {1}, .reprobe = false, .onednn_version = "test"};
  const Probes first = run_probes(options, env);
  const ProbeFigure& gemm = first.gemm_gflops.at("f32").at("1");
  EXPECT_EQ(gemm.source, "measured");
  EXPECT_GT(gemm.median, 0);
  EXPECT_GT(first.fma_peak_gflops.at("f32").at("1").median, 0);
  ASSERT_TRUE(first.dram_read_gbs);
  EXPECT_GT(first.dram_read_gbs->median, 0);
  EXPECT_TRUE(std::filesystem::exists(probe_cache_path()));
  const Probes second = run_probes(options, env);
  EXPECT_EQ(second.gemm_gflops.at("f32").at("1").source, "cache");
  EXPECT_DOUBLE_EQ(second.gemm_gflops.at("f32").at("1").median, gemm.median);
  EXPECT_EQ(second.dram_read_gbs->source, "cache");
  ProbeOptions again = options;
  again.reprobe = true;
  EXPECT_EQ(run_probes(again, env).fma_peak_gflops.at("f32").at("1").source, "measured");
  if (before)
    ::setenv("XDG_CACHE_HOME", saved.c_str(), 1);
  else
    ::unsetenv("XDG_CACHE_HOME");
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace attnbench
