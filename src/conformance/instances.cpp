#include "conformance/instances.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <string_view>

#include "core/content_pattern.hpp"
#include "core/errors.hpp"
#include "core/prepare_mask.hpp"
#include "exec/problem.hpp"

namespace attnbench::conformance {

namespace {

struct Lengths {
  Index q_len, kv_len;
  const char* align;
};

const std::vector<Lengths> kGeometries = {{16, 16, "top_left"},  {64, 64, "top_left"},
                                          {97, 97, "top_left"},  {200, 200, "top_left"},
                                          {50, 130, "top_left"}, {50, 130, "bottom_right"},
                                          {130, 50, "top_left"}, {130, 50, "bottom_right"}};

}  // namespace

std::unique_ptr<Pattern> prepared(std::unique_ptr<Pattern> pattern, std::uint64_t seed) {
  const Geometry& g = pattern->geometry();
  const Problem problem{1, g.heads, g.heads, g.q_len, g.kv_len, 16, 1};
  Tensors inputs;
  return prepare_pattern(std::move(pattern),
                         [&] {
                           inputs = random_inputs(problem, seed);
                           return content_inputs(problem, inputs);
                         })
      .pattern;
}

const char* geometry_kind_name(GeometryKind kind) {
  switch (kind) {
    case GeometryKind::kSquare: return "square";
    case GeometryKind::kRectangular: return "rectangular";
    case GeometryKind::kBottomRight: return "bottom-right";
  }
  return "?";
}

namespace {

GeometryKind kind_of(const Lengths& l) {
  if (std::string_view(l.align) == "bottom_right") return GeometryKind::kBottomRight;
  return l.q_len == l.kv_len ? GeometryKind::kSquare : GeometryKind::kRectangular;
}

std::string instance_label(const PatternInfo& info, const ParamValues& values, const Lengths& l) {
  std::vector<std::string> params;
  for (const auto& [name, value] : values.all()) params.push_back(name + "=" + format_value(value));
  return fmt::format("{} [{}] q{} kv{}", info.name, fmt::join(params, " "), l.q_len, l.kv_len);
}

}  // namespace

InstanceSurvey survey_instances(const PatternInfo& info) {
  std::vector<std::vector<std::pair<std::string, ParamValue>>> sets = {{}};
  sets.insert(sets.end(), info.examples.begin(), info.examples.end());
  std::vector<RefusedGeometry> geometries;
  for (const Lengths& l : kGeometries) {
    geometries.push_back(
        {l.q_len, l.kv_len, l.align, kind_of(l), 0, static_cast<int>(sets.size())});
  }
  InstanceSurvey survey;
  for (const auto& set : sets) {
    for (std::size_t i = 0; i < kGeometries.size(); ++i) {
      const Lengths& l = kGeometries[i];
      auto overrides = set;
      overrides.emplace_back("align", std::string(l.align));
      const ParamValues values = resolve_params(info, overrides);
      try {
        const auto [q, kv] = executed_lengths(info, l.q_len, l.kv_len, values);
        survey.instances.push_back({instance_label(info, values, l),
                                    prepared(info.make(make_geometry(q, kv, 4, values), values))});
        ++survey.accepted[static_cast<int>(kind_of(l))];
      } catch (const ParamError& e) {
        // This parameter set does not fit this geometry; the plugin said so.
        if (geometries[i].refused++ == 0) geometries[i].first_reason = e.what();
      }
    }
  }
  for (RefusedGeometry& g : geometries) {
    if (g.refused > 0) survey.refused.push_back(std::move(g));
  }
  return survey;
}

std::vector<PatternInstance> instances_of(const PatternInfo& info) {
  return survey_instances(info).instances;
}

std::optional<std::string> coverage_failure(const PatternInfo& info, const InstanceSurvey& survey) {
  if (info.square_only) return std::nullopt;
  std::vector<std::string> missing;
  for (const GeometryKind kind : {GeometryKind::kRectangular, GeometryKind::kBottomRight}) {
    if (survey.accepted[static_cast<int>(kind)] == 0)
      missing.emplace_back(geometry_kind_name(kind));
  }
  if (missing.empty()) return std::nullopt;
  return fmt::format(
      "{} refused every {} instance but does not declare itself square-only: set "
      "`.square_only = true` in its PatternInfo if it is defined for square lengths only, or "
      "accept kv_len != q_len and align: bottom_right",
      info.name, fmt::join(missing, " and every "));
}

Index count_pairs(const Pattern& pattern, int head) {
  const Geometry& g = pattern.geometry();
  Index count = 0;
  for (Index r = 0; r < g.q_len; ++r) {
    for (Index k = 0; k < g.kv_len; ++k) count += pattern.allows(head, r + g.q_offset, k) ? 1 : 0;
  }
  return count;
}

}  // namespace attnbench::conformance
