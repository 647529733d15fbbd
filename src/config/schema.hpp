// The config's keys, declared once: the loader takes its known-key lists from this table (an
// unknown key's "known: ..." list is this table's), and `attnbench config --explain` prints it,
// so the documentation of a key cannot drift from what the loader accepts. Defaults are read
// from the structs the loader starts from (Measurement, Axes), not restated.
#pragma once

#include <string>
#include <vector>

namespace attnbench {

struct ConfigKey {
  // Dotted from the top; `[]` stands for any entry of a list: "shape.heads", "patterns[].params",
  // "inputs[].generator" (`inputs` may also be a single set: the same keys without `[]`).
  std::string path;
  std::string type;
  std::string default_value;  // empty: none (required, or absent unless given)
  std::string meaning;
  std::vector<std::string> values;  // the members of a closed set
  // A condition on the surrounding map, "generator=sinks" or "name=per_head" (the entry's own
  // name): the key is known only there. Empty: always.
  std::string when;
};

// Every key, in the order `config --explain` prints them.
const std::vector<ConfigKey>& config_schema();

// The names of the keys directly under `parent` ("" for the top level, "shape", "patterns[]",
// "patterns[].shape", "patterns[].of[]", "inputs[]") whose condition is empty or listed in
// `conditions`: the known keys of that map, in the table's order.
std::vector<std::string> schema_keys(const std::string& parent,
                                     const std::vector<std::string>& conditions = {});

}  // namespace attnbench
