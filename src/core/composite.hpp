// Composition of patterns: `union` (a key allowed by any part), `intersection` (by every part)
// and `per_head` (consecutive groups of heads get their own pattern). A PatternSpec is a tree;
// instantiate() builds any spec, plugins and compositions alike.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/case.hpp"
#include "core/pattern.hpp"

namespace attnbench {

// The closed set of compositions; a spec names one by its text.
enum class CompositionKind { kUnion, kIntersection, kPerHead };
std::optional<CompositionKind> composition_kind(const std::string& name);
std::string_view to_string(CompositionKind kind);
inline bool is_composition(const std::string& name) { return composition_kind(name).has_value(); }

// The lengths a spec executes; every part of a composition must execute the same ones.
std::pair<Index, Index> executed_lengths(const PatternSpec& spec, Index seq_len, Index kv_len);

// Throws ParamError when a part rejects its parameters or the parts do not fit together.
std::unique_ptr<Pattern> instantiate(const PatternSpec& spec, Index q_len, Index kv_len, int heads);

// What a composition is made of, for the reference (src/exec/reference), which evaluates a
// composition from its parts' own predicates, each at its own geometry, and so must not go
// through the composition's code above. The parts belong to the composition.
struct CompositionParts {
  CompositionKind kind;
  std::vector<const Pattern*> parts;  // in order
  IndexList first_head;               // per_head: the first head of each part
};

// The parts of a pattern made by instantiate() from a composition; nullopt for a plugin.
std::optional<CompositionParts> composition_parts(const Pattern& pattern);

}  // namespace attnbench
