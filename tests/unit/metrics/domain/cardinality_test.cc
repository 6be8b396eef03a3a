#include "services/metrics/domain/cardinality.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace sqms::metrics::domain {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::Pair;

CardinalityLimits TwoStations() {
  CardinalityLimits limits;
  limits[Dimension::kStation] = 2;
  return limits;
}

Dimensions At(std::string station, std::string department = "ticketing-center") {
  Dimensions d;
  d.station = std::move(station);
  d.department = std::move(department);
  return d;
}

TEST(CardinalityLimitsTest, DocumentedDefaults) {
  const CardinalityLimits limits;
  EXPECT_EQ(limits[Dimension::kDepartment], 50u);
  EXPECT_EQ(limits[Dimension::kStation], 200u);
  EXPECT_EQ(limits[Dimension::kAgent], 500u);
  EXPECT_EQ(limits[Dimension::kChannel], 50u);
  EXPECT_EQ(limits[Dimension::kCategory], 100u);
  EXPECT_EQ(limits[Dimension::kRegion], 100u);
  EXPECT_EQ(limits[Dimension::kPlan], 100u);
  EXPECT_EQ(limits[Dimension::kLevel], 10u);
}

TEST(FoldDimensionsTest, AdmitsUpToTheLimitThenFoldsIntoOther) {
  AdmittedValues admitted;
  const CardinalityLimits limits = TwoStations();
  Dimensions a = At("beijing-south");
  FoldOutcome first = FoldDimensions(a, limits, admitted);
  EXPECT_EQ(a.station, "beijing-south");
  EXPECT_THAT(first.folded, IsEmpty());
  EXPECT_THAT(first.admitted, ElementsAre(Pair(Dimension::kDepartment, "ticketing-center"),
                                          Pair(Dimension::kStation, "beijing-south")));
  Dimensions b = At("shanghai-hongqiao");
  FoldDimensions(b, limits, admitted);
  EXPECT_EQ(b.station, "shanghai-hongqiao");

  Dimensions c = At("wuhan");
  FoldOutcome third = FoldDimensions(c, limits, admitted);
  EXPECT_EQ(c.station, "other");
  EXPECT_EQ(c.department, "ticketing-center") << "only the dimension over its limit folds";
  EXPECT_THAT(third.folded, ElementsAre(Dimension::kStation));
  EXPECT_THAT(third.admitted, IsEmpty());

  // Admitted values stay admitted; a folded one stays folded.
  Dimensions again = At("beijing-south");
  EXPECT_THAT(FoldDimensions(again, limits, admitted).folded, IsEmpty());
  EXPECT_EQ(again.station, "beijing-south");
  Dimensions wuhan = At("wuhan");
  FoldDimensions(wuhan, limits, admitted);
  EXPECT_EQ(wuhan.station, "other");
  EXPECT_EQ(admitted.Count(Dimension::kStation), 2u);
}

TEST(FoldDimensionsTest, UnknownOtherAndEmptyNeverUseTheLimit) {
  AdmittedValues admitted;
  CardinalityLimits limits;
  limits[Dimension::kStation] = 1;
  for (const char* reserved : {"", "unknown", "other"}) {
    Dimensions d = At(reserved);
    EXPECT_THAT(FoldDimensions(d, limits, admitted).folded, IsEmpty()) << reserved;
    EXPECT_EQ(d.station, reserved);
  }
  EXPECT_EQ(admitted.Count(Dimension::kStation), 0u);
  // Incident-only dimensions absent from a complaint stay absent.
  Dimensions d = At("beijing-south");
  FoldDimensions(d, limits, admitted);
  EXPECT_EQ(d.plan, "");
  EXPECT_EQ(d.level, "");
}

TEST(FoldDimensionsTest, ARestoredSetDecidesTheSameAsTheFirstPass) {
  // What a replay after a crash sees: the set as stored with the checkpoint.
  const CardinalityLimits limits = TwoStations();
  AdmittedValues live;
  std::vector<std::string> stored;
  for (const char* s : {"a", "b", "c", "a", "d"}) {
    Dimensions d = At(s, "");
    for (const auto& [dimension, value] : FoldDimensions(d, limits, live).admitted) {
      stored.push_back(AdmittedField(dimension, value));
    }
  }
  AdmittedValues restored;
  for (const std::string& field : stored) {
    auto entry = ParseAdmittedField(field);
    ASSERT_TRUE(entry.has_value()) << field;
    restored.Admit(entry->first, entry->second);
  }
  for (const char* s : {"a", "b", "c", "d", "e"}) {
    Dimensions l = At(s, "");
    Dimensions r = At(s, "");
    FoldDimensions(l, limits, live);
    FoldDimensions(r, limits, restored);
    EXPECT_EQ(l.station, r.station) << s;
  }
}

TEST(FoldDimensionsTest, EveryFoldableDimensionFolds) {
  CardinalityLimits limits;
  for (Dimension d : FoldableDimensions()) limits[d] = 1;
  AdmittedValues admitted;
  Dimensions first{.department = "d1", .channel = "c1", .category = "k1", .region = "r1",
                   .station = "s1", .line = "l1", .agent = "a1", .plan = "p1", .level = "I"};
  FoldDimensions(first, limits, admitted);
  Dimensions second{.department = "d2", .channel = "c2", .category = "k2", .region = "r2",
                    .station = "s2", .line = "l2", .agent = "a2", .plan = "p2", .level = "II"};
  EXPECT_EQ(FoldDimensions(second, limits, admitted).folded.size(), FoldableDimensions().size());
  EXPECT_EQ(second, (Dimensions{.department = "other", .channel = "other", .category = "other",
                                .region = "other", .station = "other", .line = "l2",
                                .agent = "other", .plan = "other", .level = "other"}));
  EXPECT_FALSE(IsFoldable(Dimension::kTotal));
  EXPECT_FALSE(IsFoldable(Dimension::kBand));
}

TEST(AdmittedFieldTest, RoundTripsValuesWithBars) {
  EXPECT_EQ(AdmittedField(Dimension::kAgent, "a|b"), "agent|a|b");
  auto parsed = ParseAdmittedField("agent|a|b");
  ASSERT_TRUE(parsed.has_value());
  EXPECT_EQ(parsed->first, Dimension::kAgent);
  EXPECT_EQ(parsed->second, "a|b");
  EXPECT_EQ(ParseAdmittedField("band|night"), std::nullopt) << "band does not fold";
  EXPECT_EQ(ParseAdmittedField("planet|x"), std::nullopt);
  EXPECT_EQ(ParseAdmittedField("agent"), std::nullopt);
}

}  // namespace
}  // namespace sqms::metrics::domain
