#include "services/complaints/domain/triage.h"

#include <gtest/gtest.h>

#include "tests/unit/complaints/domain/test_config.h"

namespace sqms::complaints::domain {
namespace {

using test_support::TestTriageConfig;

Submission Text(const std::string& title, const std::string& content = "") {
  Submission s;
  s.title = title;
  s.content = content;
  return s;
}

class TriageTest : public ::testing::Test {
 protected:
  Triage triage_{TestTriageConfig()};
};

TEST_F(TriageTest, ChineseKeywordsMatch) {
  Assessment a = triage_.Assess(Text("投诉", "列车上有人吸烟"));
  EXPECT_EQ(a.category, Category::kSafety);
  EXPECT_FALSE(a.category_overridden);
  EXPECT_EQ(a.priority, Priority::kP1);
  EXPECT_EQ(a.department, "safety-office");
}

TEST_F(TriageTest, EnglishKeywordsAreCaseInsensitive) {
  EXPECT_EQ(triage_.Assess(Text("The conductor was RUDE")).category,
            Category::kServiceAttitude);
  EXPECT_EQ(triage_.Assess(Text("", "Train DeLaYed by 2 hours")).category,
            Category::kTimeliness);
}

TEST_F(TriageTest, FirstMatchingRuleWins) {
  // Mentions a ticket and smoke: safety is listed first.
  EXPECT_EQ(triage_.Assess(Text("ticket office full of smoke")).category, Category::kSafety);
}

TEST_F(TriageTest, NoKeywordGivesTheDefaultCategory) {
  Assessment a = triage_.Assess(Text("你好", "hello"));
  EXPECT_EQ(a.category, Category::kOther);
  EXPECT_EQ(a.department, "customer-service");
}

TEST_F(TriageTest, OverrideWins) {
  Submission s = Text("车票问题");
  s.category = Category::kHygiene;
  Assessment a = triage_.Assess(s);
  EXPECT_EQ(a.category, Category::kHygiene);
  EXPECT_TRUE(a.category_overridden);
  EXPECT_EQ(a.importance, Level::kLow);
}

TEST_F(TriageTest, SafetyIsAlwaysP1) {
  Submission s = Text("安全隐患");
  s.urgency = Level::kLow;
  s.importance = Level::kLow;
  EXPECT_EQ(triage_.Assess(s).priority, Priority::kP1);
}

TEST_F(TriageTest, UrgencyFromKeywordsDefaultAndOverride) {
  EXPECT_EQ(triage_.Assess(Text("退票 紧急")).urgency, Level::kHigh);
  EXPECT_EQ(triage_.Assess(Text("Refund URGENT")).urgency, Level::kHigh);
  EXPECT_EQ(triage_.Assess(Text("退票")).urgency, Level::kMedium);
  Submission s = Text("退票 紧急");
  s.urgency = Level::kLow;
  EXPECT_EQ(triage_.Assess(s).urgency, Level::kLow);
}

TEST_F(TriageTest, PriorityMatrix) {
  struct Case {
    Level urgency, importance;
    Priority expected;
  } cases[] = {{Level::kLow, Level::kLow, Priority::kP4},
               {Level::kMedium, Level::kMedium, Priority::kP3},
               {Level::kMedium, Level::kHigh, Priority::kP2},
               {Level::kHigh, Level::kLow, Priority::kP2},
               {Level::kHigh, Level::kHigh, Priority::kP1}};
  for (const Case& c : cases) {
    Submission s = Text("退票");
    s.urgency = c.urgency;
    s.importance = c.importance;
    EXPECT_EQ(triage_.Assess(s).priority, c.expected)
        << static_cast<int>(c.urgency) << "x" << static_cast<int>(c.importance);
  }
  // Importance from the category: hygiene is low, urgency medium → P3.
  EXPECT_EQ(triage_.Assess(Text("厕所很脏 dirty")).priority, Priority::kP3);
}

TEST_F(TriageTest, RoutingMostSpecificWins) {
  struct Case {
    std::string title, region, station, department;
  } cases[] = {
      {"退票", "华北", "北京南", "beijing-south-ticketing"},  // category + station
      {"退票", "华北", "天津", "north-ticketing"},             // category + region
      {"退票", "华东", "上海", "ticketing-center"},            // category
      {"晚点", "华北", "北京南", "beijing-south-station"},     // station
      {"晚点", "华北", "天津", "north-region"},                // region
      {"晚点", "华东", "上海", "customer-service"},            // default
  };
  for (const Case& c : cases) {
    Submission s = Text(c.title);
    s.location.region = c.region;
    s.location.station = c.station;
    EXPECT_EQ(triage_.Assess(s).department, c.department) << c.title << " " << c.station;
  }
}

TEST_F(TriageTest, PolicyAndCalendar) {
  EXPECT_EQ(triage_.Policy(Priority::kP1).first_response, absl::Minutes(30));
  EXPECT_FALSE(triage_.Policy(Priority::kP1).business_hours);
  absl::Time sunday = test_support::At(2026, 11, 22, 3);
  EXPECT_TRUE(triage_.CalendarFor(Priority::kP1).IsOpen(sunday));
  EXPECT_FALSE(triage_.CalendarFor(Priority::kP3).IsOpen(sunday));
}

}  // namespace
}  // namespace sqms::complaints::domain
