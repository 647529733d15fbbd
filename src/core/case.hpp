// One cell of an experiment: a pattern with its parameters and the other axes of its CaseKey.
// Its id is canonical: the same case has the same id in any run, and `attnbench run CONFIG
// --case ID` reruns exactly it.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "core/case_key.hpp"
#include "core/input_set.hpp"
#include "core/layout.hpp"
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

// How a case is measured; not part of its identity.
struct Measurement {
  int repetitions = 5;       // at least this many timed samples per executor ...
  double min_time_ms = 200;  // ... adding up to at least this long ...
  int max_repetitions = 50;  // ... or this many rounds, whichever comes first
  int warmup = 1;
  // Cells of the sweep, consecutive and small enough, whose timed rounds run interleaved, so
  // that a slow spell of the machine hits them alike instead of one of them (timing.hpp).
  int interleave_cells = 8;
  double noisy_cv = 0.10;       // a case is noisy above this coefficient of variation ...
  double noisy_foreign = 0.10;  // ... or when other processes used this share of the cores
  double noisy_canary = 0.15;   // ... or when the canaries ran this much slower than the fastest
  bool baseline = true;         // measure full attention beside it (config `baseline: full|none`)
  double baseline_max_s = 60;   // skip a baseline predicted to take longer
  std::uint64_t seed = 42;
  // Max abs error against the reference for `check` to pass; absent: the dtype's default
  // (1e-4 for f32, 1e-2 x max|O_ref| for bf16: exec/dtype.hpp).
  std::optional<double> tolerance;
  Index check_rows = 64;    // query rows per (batch, head) the check compares
  Index decode_steps = 64;  // pass decode: the timed steps of each repetition
  // The case's input set (its key's `inputs` axis); none: uniform inputs of `seed`. Files are
  // read and checked once when the config loads and shared by every case: a file that changes
  // during the run cannot give a case another shape or other data.
  std::shared_ptr<const InputSet> inputs;
  // Measure how much of full attention's softmax mass the mask keeps (config `quality: true`).
  bool quality = false;
};

// A case to run: its identity (the key), the pattern built from it, the lengths it executes and
// how it is measured.
struct Case {
  PatternSpec pattern;
  CaseKey key;      // key.spec is pattern.text()
  Index q_len = 0;  // as executed, from the pattern's `lengths` (usually key.seq_len)
  Index kv_len = 0;
  Measurement measurement;
  std::string label;      // what tables and progress lines show (config/labels.hpp); not identity
  std::size_t entry = 0;  // the index of its entry in the config's `patterns:` (mask --entry)
  // A point of a sweep its pattern cannot take (a window longer than the sequence): recorded
  // `skipped` with this reason, nothing built or run. Empty for every runnable case.
  std::string skip_reason;

  std::string id() const { return key.id(); }
  LayoutShape layout_shape() const { return {q_len, kv_len, key.block_q, key.block_kv}; }
  int heads() const { return static_cast<int>(key.heads); }
};

}  // namespace attnbench
