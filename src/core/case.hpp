// One cell of an experiment: a pattern with its parameters, a shape, lengths, tiles, an
// executor and a thread count. Its id is canonical: the same case has the same id in any run,
// and `attnbench run CONFIG --case ID` reruns exactly it.
#pragma once

#include <cstdint>
#include <string>

#include "core/params.hpp"

namespace attnbench {

// A plugin with its parameters, or a composition (union, intersection, per_head) of parts.
struct PatternSpec {
  std::string name;
  ParamValues params;                    // every declared parameter, defaults filled in
  std::vector<std::string> param_order;  // declaration order, for the id
  std::vector<PatternSpec> parts;        // compositions only
  IndexList head_counts;                 // per_head: heads of each part, in order

  // Canonical text: "name:k=v,k=v" or "union(a|b)"; part of the case id.
  std::string text() const;
};

struct Shape {
  Index batch = 1;
  Index heads = 8;
  Index kv_heads = 8;  // grouped-query attention when smaller than heads
  Index head_dim = 64;
};

// How a case is measured; not part of its identity.
struct Measurement {
  int repetitions = 5;
  int warmup = 1;
  std::uint64_t seed = 42;
  double tolerance = 1e-4;  // max abs error against the reference for `check` to pass
  Index check_rows = 64;    // query rows per (batch, head) the check compares
  // float32 .npy files of Q [batch, heads, q_len, d], K and V [batch, kv_heads, kv_len, d]
  // instead of seeded random inputs (real activations for content-dependent patterns).
  std::string inputs_q, inputs_k, inputs_v;
};

struct Case {
  PatternSpec pattern;
  std::vector<std::string> param_order;  // declaration order, for the id
  Shape shape;
  Index seq_len = 0;     // as configured: the id uses these
  Index seq_kv_len = 0;  // as configured (kv_len, defaulting to seq_len)
  Index q_len = 0;       // as executed, from the pattern's `lengths` (usually the same)
  Index kv_len = 0;
  Index block_q = 64;
  Index block_kv = 64;
  std::string executor = "sparse";
  int threads = 1;
  Measurement measurement;

  std::string id() const;
};

}  // namespace attnbench
