// Safety reports the shipped triage once filed elsewhere (a review of
// 2026-12-06, each text tried with `triage-cv --explain`), and the
// look-alikes that must stay where they are. The shipped rules with the
// trained model, as the service runs them: a change to triage.yaml that
// loses one of these fails here.

#include <gtest/gtest.h>

#include <string>

#include "tests/unit/complaints/corpus/shipped_triage.h"

namespace sqms::complaints {
namespace {

using domain::Category;

domain::Assessment Assess(const std::string& text) {
  domain::Submission s;
  s.content = text;
  return testing::ShippedTriage().Assess(s);
}

TEST(SafetyRegressionsTest, EquipmentThatIsSmokingIsSafetyNotHygiene) {
  for (const char* text :
       {"The heater under my seat was smoking",
        "The brakes were smoking when we stopped at Nanjing",
        "The brakes smoked all the way from Jinan", "The power socket at seat 7A was smoking"}) {
    EXPECT_EQ(Assess(text).category, Category::kSafety) << text;
  }
}

TEST(SafetyRegressionsTest, StaffDismissingOrIgnoringTheHazardDoesNotNegateIt) {
  for (const char* text :
       {"Staff did nothing about the smoke in coach 5", "乘务员没管冒烟的事",
        "车厢冒烟乘务员却说没问题", "列车员说冒烟没关系", "The guard said the smoke is fine"}) {
    EXPECT_EQ(Assess(text).category, Category::kSafety) << text;
  }
}

TEST(SafetyRegressionsTest, ThickSmokeIsSafetyEvenBesideSomeoneNotSmoking) {
  EXPECT_EQ(Assess("车厢里没有人抽烟但是有很大的烟").category, Category::kSafety);
}

TEST(SafetyRegressionsTest, PeopleSmokingAndDeniedHazardsStayWhereTheyWere) {
  EXPECT_EQ(Assess("Someone was smoking in the toilet again").category, Category::kHygiene);
  EXPECT_EQ(Assess("They were smoking in the vestibule and it stinks").category,
            Category::kHygiene);
  EXPECT_EQ(Assess("地上很多烟头，没人打扫").category, Category::kHygiene);
  EXPECT_NE(Assess("no fire, no smoke, just a delay").category, Category::kSafety);
  EXPECT_NE(Assess("延误了两个小时，乘务员说没关系").category, Category::kSafety);
}

TEST(SafetyRegressionsTest, ASubmittedCategoryDoesNotLowerTheShippedSafetyCall) {
  domain::Submission s;
  s.content = "8号车厢插座冒烟，有焦糊味";
  s.category = Category::kHygiene;
  const domain::Assessment a = testing::ShippedTriage().Assess(s);
  EXPECT_EQ(a.category, Category::kSafety);
  EXPECT_EQ(a.priority, domain::Priority::kP1);
}

}  // namespace
}  // namespace sqms::complaints
