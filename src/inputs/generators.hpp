// Inputs that make the quality figures mean something. Uniform noise (the default generator,
// exec/problem.hpp's random_inputs) spreads attention almost evenly over the keys, so every mask
// keeps about its share of the keys' mass; real attention does not. These generators give the
// data the structure real attention has, each from a seed, and the .npy files of an input set
// give real activations. Every generated value depends only on (seed, tensor, batch item, head,
// position, channel), so a shorter sequence is a prefix of a longer one, as with files.
#pragma once

#include <string>
#include <vector>

#include "core/input_set.hpp"
#include "core/params.hpp"

namespace attnbench {

struct GeneratorInfo {
  std::string name;
  std::string summary;  // the construction, in one line
  std::vector<ParamSpec> params;
};

// uniform, sinks, rope_local, retrieval (README: "Input sets").
const std::vector<GeneratorInfo>& input_generators();
const GeneratorInfo* find_generator(const std::string& name);

struct InputShape {
  Index batch = 1, heads = 1, kv_heads = 1, head_dim = 64;
  Index q_len = 0, kv_len = 0;
  Index q_first = 0;  // the key-axis position of query row 0 (first_query_position)
};

// Q [batch, heads, q_len, d], K and V [batch, kv_heads, kv_len, d] in f32.
struct InputValues {
  std::vector<float> q, k, v;
};

// The set's values for one case: a file set's Q rows [q_first, q_first + q_len) and K, V rows
// [0, kv_len) (shapes were checked when the config loaded); a generator's construction at those
// positions. Not for `uniform`, which exec's random_inputs makes (unchanged, index-based).
InputValues make_inputs(const InputSet& set, const InputShape& shape);

}  // namespace attnbench
