// An input set: where a case's Q, K and V come from. Either a seeded generator (uniform, the
// default, or one that gives the data a structure real attention has: sinks, rotary locality,
// far retrieval keys; src/inputs/generators.hpp) or .npy files of real activations. The set's
// name is the case key's `inputs` axis. Plain data: the config loader fills it, the runner reads
// it.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/params.hpp"

namespace attnbench {

struct PatternSpec;

// One float32 array read from a .npy file, checked once when the config loads.
struct InputArray {
  std::vector<std::int64_t> shape;  // [batch, heads (or kv_heads), positions, head_dim]
  std::vector<float> values;
};

struct InputSet {
  std::string name = "uniform";
  std::string generator = "uniform";  // empty for files
  std::uint64_t seed = 42;
  ParamValues params;                         // the generator's parameters, defaults filled in
  std::shared_ptr<const InputArray> q, k, v;  // files only
  std::string q_path, k_path, v_path;

  bool from_files() const { return generator.empty(); }
};

// The key-axis position of a case's first query row: kv_len - q_len when the pattern (or any
// part of a composition) puts its queries at the bottom right, else 0; never negative. Inputs
// of a longer sequence (a file, a generator) give Q from there on, K and V from position 0.
Index first_query_position(const PatternSpec& spec, Index q_len, Index kv_len);

}  // namespace attnbench
