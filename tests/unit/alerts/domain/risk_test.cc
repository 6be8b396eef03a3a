#include "services/alerts/domain/risk.h"

#include <gtest/gtest.h>

namespace sqms::alerts::domain {
namespace {

TEST(RiskTest, ScoreIsProbabilityTimesImpact) {
  EXPECT_EQ(RiskScore({"safety-incident", "Safety incident", 3, 5}), 15);
  EXPECT_EQ(RiskScore({"x", "x", 1, 1}), 1);
  EXPECT_EQ(RiskScore({"x", "x", 5, 5}), 25);
}

TEST(RiskTest, LevelsChangeExactlyAtTheMatrixBoundaries) {
  EXPECT_EQ(RiskLevelOf(1), RiskLevel::kLow);
  EXPECT_EQ(RiskLevelOf(4), RiskLevel::kLow);
  EXPECT_EQ(RiskLevelOf(5), RiskLevel::kMedium);
  EXPECT_EQ(RiskLevelOf(9), RiskLevel::kMedium);
  EXPECT_EQ(RiskLevelOf(10), RiskLevel::kHigh);
  EXPECT_EQ(RiskLevelOf(16), RiskLevel::kHigh);
  EXPECT_EQ(RiskLevelOf(20), RiskLevel::kCritical);
  EXPECT_EQ(RiskLevelOf(25), RiskLevel::kCritical);
}

TEST(RiskTest, LevelNames) {
  EXPECT_EQ(RiskLevelName(RiskLevel::kLow), "low");
  EXPECT_EQ(RiskLevelName(RiskLevel::kMedium), "medium");
  EXPECT_EQ(RiskLevelName(RiskLevel::kHigh), "high");
  EXPECT_EQ(RiskLevelName(RiskLevel::kCritical), "critical");
  EXPECT_EQ(RiskLevelName(RiskLevelOf(RiskScore({"x", "x", 4, 5}))), "critical");
}

TEST(RiskTest, HighAndCriticalRisksNeedAPlanMediumAndLowDoNot) {
  EXPECT_TRUE(NeedsPlan({"x", "x", 4, 5}));   // 20 critical
  EXPECT_TRUE(NeedsPlan({"x", "x", 2, 5}));   // 10 high
  EXPECT_FALSE(NeedsPlan({"x", "x", 3, 3}));  // 9 medium
  EXPECT_FALSE(NeedsPlan({"x", "x", 1, 4}));  // 4 low
}

}  // namespace
}  // namespace sqms::alerts::domain
