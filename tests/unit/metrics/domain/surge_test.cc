// The surge rule as a specification: the baseline is the same hour of the
// week over the previous weeks in the service's zone, the count must reach
// max(min_count, factor × baseline), and without history factor × min_count.

#include "services/metrics/domain/surge.h"

#include <gtest/gtest.h>

#include <vector>

namespace sqms::metrics::domain {
namespace {

absl::TimeZone Zone(const char* name) {
  absl::TimeZone zone;
  EXPECT_TRUE(absl::LoadTimeZone(name, &zone));
  return zone;
}

SurgeRule Rule() {
  SurgeRule r;
  r.kpi = "complaint_volume";
  r.dimension = "department";
  r.window = WindowSize::kHour;
  r.weeks = 4;
  r.factor = 2.0;
  r.min_count = 10;
  return r;
}

TEST(BaselineWindowsTest, AreTheSameHourOfTheWeekInThePreviousWeeksNewestFirst) {
  const absl::TimeZone shanghai = Zone("Asia/Shanghai");
  // Wednesday 2026-12-02 14:00–15:00 in Shanghai.
  const Window now = WindowOf(absl::FromCivil(absl::CivilSecond(2026, 12, 2, 14, 20, 0), shanghai),
                              WindowSize::kHour, shanghai);
  std::vector<std::string> labels;
  for (const Window& w : BaselineWindows(now, 4, shanghai)) {
    labels.push_back(WindowLabel(w, shanghai));
    EXPECT_EQ(w.end - w.start, absl::Hours(1));
  }
  EXPECT_EQ(labels, (std::vector<std::string>{"2026-11-25T14", "2026-11-18T14", "2026-11-11T14",
                                              "2026-11-04T14"}));
}

TEST(BaselineWindowsTest, ADayWindowLooksAtTheSameWeekday) {
  const absl::TimeZone shanghai = Zone("Asia/Shanghai");
  const Window today = WindowOf(absl::FromCivil(absl::CivilSecond(2026, 3, 2, 9, 0, 0), shanghai),
                                WindowSize::kDay, shanghai);
  std::vector<std::string> labels;
  for (const Window& w : BaselineWindows(today, 2, shanghai)) {
    labels.push_back(WindowLabel(w, shanghai));
  }
  EXPECT_EQ(labels, (std::vector<std::string>{"2026-02-23", "2026-02-16"}));
}

TEST(BaselineWindowsTest, KeepTheLocalHourAcrossAClockChange) {
  const absl::TimeZone berlin = Zone("Europe/Berlin");
  // Monday 2026-04-06 10:00 CEST; a week earlier (2026-03-30) is CEST too,
  // two weeks earlier (2026-03-23) CET: still 10:00 local, 09:00 UTC.
  const Window now = WindowOf(absl::FromCivil(absl::CivilSecond(2026, 4, 6, 10, 0, 0), berlin),
                              WindowSize::kHour, berlin);
  const std::vector<Window> weeks = BaselineWindows(now, 2, berlin);
  EXPECT_EQ(WindowLabel(weeks[1], berlin), "2026-03-23T10");
  EXPECT_EQ(weeks[1].start,
            absl::FromCivil(absl::CivilSecond(2026, 3, 23, 9, 0, 0), absl::UTCTimeZone()));
}

TEST(EvaluateSurgeTest, TheBaselineIsTheMeanOfTheWeeksWithData) {
  const std::vector<int64_t> history = {6, 8, 10, 12};  // mean 9 → threshold 18
  SurgeDecision d = EvaluateSurge(Rule(), 17, history);
  EXPECT_FALSE(d.surge);
  EXPECT_DOUBLE_EQ(*d.baseline, 9.0);
  EXPECT_EQ(d.baseline_weeks, 4);
  EXPECT_DOUBLE_EQ(d.threshold, 18.0);
  EXPECT_TRUE(EvaluateSurge(Rule(), 18, history).surge) << "reaching the threshold is a surge";
}

TEST(EvaluateSurgeTest, AQuietBaselineStillNeedsTheMinimumCount) {
  const std::vector<int64_t> history = {1, 2, 0, 1};  // mean 1 → 2 × 1 < min_count 10
  EXPECT_FALSE(EvaluateSurge(Rule(), 9, history).surge);
  SurgeDecision d = EvaluateSurge(Rule(), 10, history);
  EXPECT_TRUE(d.surge);
  EXPECT_DOUBLE_EQ(d.threshold, 10.0);
}

TEST(EvaluateSurgeTest, AUnitWithZerosInWeeksWithDataSurgesAtTheMinimumCount) {
  const std::vector<int64_t> zeros = {0, 0};
  SurgeDecision d = EvaluateSurge(Rule(), 10, zeros);
  EXPECT_TRUE(d.surge);
  EXPECT_DOUBLE_EQ(*d.baseline, 0.0);
  EXPECT_EQ(d.baseline_weeks, 2);
}

TEST(EvaluateSurgeTest, WithoutHistoryItTakesFactorTimesTheMinimumCount) {
  SurgeDecision d = EvaluateSurge(Rule(), 19, {});
  EXPECT_FALSE(d.surge);
  EXPECT_FALSE(d.baseline.has_value());
  EXPECT_EQ(d.baseline_weeks, 0);
  EXPECT_DOUBLE_EQ(d.threshold, 20.0);
  EXPECT_TRUE(EvaluateSurge(Rule(), 20, {}).surge);
}

TEST(EvaluateSurgeTest, RoundingDoesNotRaiseTheThreshold) {
  SurgeRule rule = Rule();
  rule.factor = 3.0;
  rule.min_count = 1;
  const std::vector<int64_t> history = {3, 3, 4};  // mean 10/3; 3 × 10/3 = 10
  EXPECT_TRUE(EvaluateSurge(rule, 10, history).surge);
  EXPECT_FALSE(EvaluateSurge(rule, 9, history).surge);
}

}  // namespace
}  // namespace sqms::metrics::domain
