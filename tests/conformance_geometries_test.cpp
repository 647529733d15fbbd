// Conformance's geometry rule (issue 23): the geometries a pattern refused are listed, and a
// pattern that refuses every rectangular or every bottom-right instance fails unless it declares
// itself square-only. Fake patterns, never registered, so the suite never meets them.
#include <gtest/gtest.h>

#include <functional>
#include <memory>

#include "conformance/instances.hpp"
#include "core/errors.hpp"
#include "core/registry.hpp"

namespace attnbench::conformance {
namespace {

class Full final : public Pattern {
 public:
  explicit Full(const Geometry& g) : Pattern(g) {}
  bool allows(int, Index, Index) const override { return true; }
};

// Full attention that refuses, with a ParamError, every geometry `accepts` rejects.
PatternInfo fake(const std::string& name, std::function<bool(const Geometry&)> accepts,
                 bool square_only = false) {
  PatternInfo info{.name = name, .summary = "fake"};
  info.params = {ParamSpec{.name = "align",
                           .type = ParamType::kChoice,
                           .default_value = std::string("top_left"),
                           .choices = {"top_left", "bottom_right"}}};
  info.make = [accepts](const Geometry& g, const ParamValues&) -> std::unique_ptr<Pattern> {
    if (!accepts(g)) throw ParamError("align", "not this geometry");
    return std::make_unique<Full>(g);
  };
  info.square_only = square_only;
  return info;
}

bool square(const Geometry& g) { return g.q_len == g.kv_len && g.q_offset == 0; }
bool top_left(const Geometry& g) { return g.q_offset == 0; }
bool any(const Geometry&) { return true; }

TEST(ConformanceGeometries, UndeclaredSquareOnlyFailsAndListsWhatItRefused) {
  const PatternInfo info = fake("sq", square);
  const InstanceSurvey survey = survey_instances(info);
  EXPECT_EQ(survey.instances.size(), 4u);  // 16, 64, 97, 200 square
  EXPECT_EQ(survey.accepted[static_cast<int>(GeometryKind::kSquare)], 4);
  ASSERT_EQ(survey.refused.size(), 4u);
  int rectangular = 0, bottom_right = 0;
  for (const RefusedGeometry& g : survey.refused) {
    EXPECT_NE(g.q_len, g.kv_len);
    EXPECT_EQ(g.refused, 1);
    EXPECT_EQ(g.of, 1);
    EXPECT_EQ(g.first_reason, "not this geometry");
    rectangular += g.kind == GeometryKind::kRectangular ? 1 : 0;
    bottom_right += g.kind == GeometryKind::kBottomRight ? 1 : 0;
    EXPECT_EQ(g.kind == GeometryKind::kBottomRight, g.align == "bottom_right");
  }
  EXPECT_EQ(rectangular, 2);
  EXPECT_EQ(bottom_right, 2);
  const auto failure = coverage_failure(info, survey);
  ASSERT_TRUE(failure);
  EXPECT_NE(failure->find("every rectangular and every bottom-right"), std::string::npos)
      << *failure;
  EXPECT_NE(failure->find("square_only"), std::string::npos) << *failure;
}

TEST(ConformanceGeometries, DeclaredSquareOnlyPassesAndStillListsRefusals) {
  const PatternInfo info = fake("sq", square, /*square_only=*/true);
  const InstanceSurvey survey = survey_instances(info);
  EXPECT_EQ(survey.refused.size(), 4u);
  EXPECT_FALSE(coverage_failure(info, survey));
}

TEST(ConformanceGeometries, RefusingOnlyBottomRightFailsNamingIt) {
  const PatternInfo info = fake("tl", top_left);
  const InstanceSurvey survey = survey_instances(info);
  EXPECT_EQ(survey.accepted[static_cast<int>(GeometryKind::kRectangular)], 2);
  EXPECT_EQ(survey.accepted[static_cast<int>(GeometryKind::kBottomRight)], 0);
  const auto failure = coverage_failure(info, survey);
  ASSERT_TRUE(failure);
  EXPECT_NE(failure->find("every bottom-right"), std::string::npos) << *failure;
  EXPECT_EQ(failure->find("rectangular"), std::string::npos) << *failure;
}

TEST(ConformanceGeometries, AcceptingEveryGeometryRefusesNothing) {
  const PatternInfo info = fake("all", any);
  const InstanceSurvey survey = survey_instances(info);
  EXPECT_EQ(survey.instances.size(), 8u);
  EXPECT_TRUE(survey.refused.empty());
  EXPECT_FALSE(coverage_failure(info, survey));
}

// Every built-in pattern either covers rectangular and bottom-right geometries or says it is
// square-only; a declared square-only pattern indeed refuses them all (else the flag lies).
TEST(ConformanceGeometries, BuiltInPatternsDeclareWhatTheyRefuse) {
  for (const PatternInfo* info : all_patterns()) {
    const InstanceSurvey survey = survey_instances(*info);
    const auto failure = coverage_failure(*info, survey);
    EXPECT_FALSE(failure) << *failure;
    if (info->square_only) {
      EXPECT_EQ(survey.accepted[static_cast<int>(GeometryKind::kRectangular)] +
                    survey.accepted[static_cast<int>(GeometryKind::kBottomRight)],
                0)
          << info->name << " declares square_only but accepts a non-square geometry";
    }
  }
}

}  // namespace
}  // namespace attnbench::conformance
