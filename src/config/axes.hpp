// The sweep axes of an experiment (shape, lengths, tiles, threads, executor, dtype, pass). Given
// at the top level, they may be overridden per pattern entry, so that one config can hold cells
// of different shapes (configs/perf.yaml does).
#pragma once

#include <string>
#include <vector>

#include "config/yaml_source.hpp"
#include "core/case_key.hpp"
#include "core/cores.hpp"

namespace attnbench {

struct Axes {
  IndexList batch = {1}, heads = {8}, kv_heads = {0}, head_dim = {64};  // kv_heads 0: = heads
  IndexList seq_len = {}, kv_len = {0};                                 // kv_len 0: = seq_len
  // threads: the cores this process may use (its affinity mask: a Slurm task's own share).
  IndexList block_q = {64}, block_kv = {64}, threads = {usable_cores()};
  std::vector<ExecutorKind> executor = {ExecutorKind::kSparse};
  std::vector<DataType> dtype = {DataType::kF32};
  std::vector<Pass> pass = {Pass::kForward};
  std::vector<DecodePolicy> decode_policy = {DecodePolicy::kCache};
  std::vector<std::string> inputs = {"uniform"};  // the input sets' names (top-level `inputs:`)
  YAML::Node kv_heads_node;  // where kv_heads was given, for the heads-multiple check
};

// Reads the axes present in `map` (keys under `prefix`), the others taken from `defaults`.
Axes read_axes(const YamlSource& src, const YAML::Node& map, const std::string& prefix,
               const Axes& defaults);

// `baseline: full | none`: whether full attention is measured beside a case (true for full).
bool read_baseline(const YamlSource& src, const YAML::Node& node, const std::string& key);

// Every point of the axes' cartesian product as a case key without its pattern, the executor
// varying fastest so that the executors of a cell sit together.
std::vector<CaseKey> axis_product(const Axes& axes);

}  // namespace attnbench
