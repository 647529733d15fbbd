#include "conformance/instances.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

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

std::vector<PatternInstance> instances_of(const PatternInfo& info) {
  std::vector<std::vector<std::pair<std::string, ParamValue>>> sets = {{}};
  sets.insert(sets.end(), info.examples.begin(), info.examples.end());
  std::vector<PatternInstance> result;
  for (const auto& set : sets) {
    for (const Lengths& l : kGeometries) {
      auto overrides = set;
      overrides.emplace_back("align", std::string(l.align));
      const ParamValues values = resolve_params(info, overrides);
      std::vector<std::string> params;
      for (const auto& [name, value] : values.all())
        params.push_back(name + "=" + format_value(value));
      const std::string label =
          fmt::format("{} [{}] q{} kv{}", info.name, fmt::join(params, " "), l.q_len, l.kv_len);
      try {
        const auto [q, kv] = executed_lengths(info, l.q_len, l.kv_len, values);
        result.push_back({label, prepared(info.make(make_geometry(q, kv, 4, values), values))});
      } catch (const ParamError&) {
        // This parameter set does not fit this geometry; the plugin said so.
      }
    }
  }
  return result;
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
