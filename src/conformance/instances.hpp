// The instances the generic checks run a registered pattern on: its defaults and its declared
// examples, at square, ragged, rectangular and bottom-right geometries.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/registry.hpp"

namespace attnbench::conformance {

struct PatternInstance {
  std::string label;  // pattern, parameters and geometry, for failure messages
  std::unique_ptr<Pattern> pattern;
};

// The kinds of conformance geometry: square (q_len == kv_len, top_left), rectangular (q_len !=
// kv_len, top_left) and bottom-right (q_len != kv_len, the queries at the end of the keys).
enum class GeometryKind { kSquare, kRectangular, kBottomRight };
const char* geometry_kind_name(GeometryKind kind);

// One conformance geometry (configured lengths and align) and the parameter sets that refused it.
struct RefusedGeometry {
  Index q_len = 0, kv_len = 0;
  std::string align;
  GeometryKind kind = GeometryKind::kSquare;
  int refused = 0, of = 0;   // parameter sets that refused it, of those tried
  std::string first_reason;  // the first ParamError's message
};

// What instances_of tried: the instances made, and every geometry some parameter set refused.
struct InstanceSurvey {
  std::vector<PatternInstance> instances;
  std::vector<RefusedGeometry> refused;
  // Instances made of each GeometryKind, indexed by it.
  int accepted[3] = {0, 0, 0};
};

// Every (parameter set, geometry) the plugin accepts; a ParamError means "not for this
// geometry" and the combination is left out (and listed in `refused`).
InstanceSurvey survey_instances(const PatternInfo& info);
std::vector<PatternInstance> instances_of(const PatternInfo& info);

// Why the survey fails the pattern, if it does: it accepted no rectangular or no bottom-right
// instance without declaring itself square-only (PatternInfo::square_only).
std::optional<std::string> coverage_failure(const PatternInfo& info, const InstanceSurvey& survey);

// Runs a content-dependent pattern's prepare() on seeded random inputs (head_dim 16).
std::unique_ptr<Pattern> prepared(std::unique_ptr<Pattern> pattern, std::uint64_t seed = 5);

// Allowed pairs of one head, by scanning the predicate.
Index count_pairs(const Pattern& pattern, int head);

}  // namespace attnbench::conformance
