// `inputs:` of a config: one input set (a map) or a list of named sets, each seeded generator
// or .npy files. The set names are the case key's `inputs` axis. Files are read and checked
// once: batch, heads, kv_heads and head_dim must match every case, and the sequence must be at
// least as long as the case needs (a longer file serves as a prefix).
#pragma once

#include <memory>
#include <vector>

#include "config/yaml_source.hpp"
#include "core/case.hpp"

namespace attnbench {

// The sets in order; files are read (and noted for `context.files`) here. `seed` is the
// config's, the default seed of every generator.
std::vector<std::shared_ptr<const InputSet>> read_input_sets(const YamlSource& src,
                                                             const YAML::Node& node,
                                                             std::uint64_t seed);

// Gives every case its set (by its key's `inputs`) and checks file shapes against it.
void attach_input_sets(const YamlSource& src, const YAML::Node& node,
                       const std::vector<std::shared_ptr<const InputSet>>& sets,
                       std::vector<Case>& cases);

}  // namespace attnbench
