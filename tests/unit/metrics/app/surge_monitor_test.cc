// The surge monitor as a specification: a burst in the open hour over the
// same hour of the previous weeks is published once per unit and window,
// by however many monitors share the store; a quiet unit and a closed
// window raise nothing.

#include "services/metrics/app/surge_monitor.h"

#include <gtest/gtest.h>

#include "tests/support/fake_clock.h"
#include "tests/support/metrics/in_memory_target_store.h"
#include "tests/unit/metrics/app/stub_kpi_reader.h"

namespace sqms::metrics::app {
namespace {

using domain::Counter;
using ports::TargetEventType;

class SurgeMonitorTest : public ::testing::Test {
 protected:
  SurgeMonitorTest() : clock_(absl::FromUnixSeconds(1796191200)) {  // Wed 2026-12-02 14:00 +08
    absl::LoadTimeZone("Asia/Shanghai", &config_.zone);
    rule_.kpi = "complaint_volume";
    rule_.dimension = "department";
    rule_.window = domain::WindowSize::kHour;
    rule_.weeks = 4;
    rule_.factor = 2.0;
    rule_.min_count = 10;
    monitor_ = NewMonitor();
  }
  std::unique_ptr<SurgeMonitor> NewMonitor() {
    return std::make_unique<SurgeMonitor>(reader_, store_, clock_, std::vector{rule_}, config_);
  }
  domain::Window Hour() const {
    return domain::WindowOf(clock_.Now(), domain::WindowSize::kHour, config_.zone);
  }
  // The same hour `weeks` weeks ago.
  domain::Window WeeksAgo(int weeks) const {
    return domain::BaselineWindows(Hour(), weeks, config_.zone).back();
  }
  std::vector<ports::TargetEvent> Published() const { return store_.published(); }
  void SetComplaints(const domain::Window& w, const std::string& unit, int64_t n) {
    reader_.Set(w, unit, Counter::kComplaints, n);
  }

  QueryConfig config_;
  domain::SurgeRule rule_;
  sqms::testing::FakeClock clock_;
  testing::StubKpiReader reader_;
  testing::InMemoryTargetStore store_;
  std::unique_ptr<SurgeMonitor> monitor_;
};

TEST_F(SurgeMonitorTest, ASurgeIsPublishedOncePerUnitAndWindow) {
  for (int week = 1; week <= 4; ++week) SetComplaints(WeeksAgo(week), "ticketing-center", 5);
  SetComplaints(Hour(), "ticketing-center", 10);  // 2 × 5 = 10: a surge
  ASSERT_EQ(*monitor_->EvaluateOnce(), 1);
  SetComplaints(Hour(), "ticketing-center", 30);  // still the same window
  ASSERT_EQ(*monitor_->EvaluateOnce(), 0);
  ASSERT_EQ(*NewMonitor()->EvaluateOnce(), 0) << "another replica, or a restart, shares the store";
  const std::vector<ports::TargetEvent> published = Published();
  ASSERT_EQ(published.size(), 1u);
  const ports::TargetEvent& e = published[0];
  EXPECT_EQ(e.type, TargetEventType::kSurge);
  EXPECT_EQ(e.unit, "ticketing-center");
  EXPECT_EQ(e.period, "2026-12-02T14");
  EXPECT_EQ(e.value.numerator, 10);
  EXPECT_DOUBLE_EQ(*e.surge.baseline, 5.0);
  EXPECT_EQ(e.surge.baseline_weeks, 4);
  EXPECT_DOUBLE_EQ(e.surge.factor, 2.0);
  EXPECT_DOUBLE_EQ(e.target.threshold, 10.0);
  EXPECT_EQ(e.target.dimension, "department");
}

TEST_F(SurgeMonitorTest, TheNextWindowCanSurgeAgain) {
  SetComplaints(WeeksAgo(1), "billing-center", 1);
  SetComplaints(Hour(), "billing-center", 12);
  ASSERT_EQ(*monitor_->EvaluateOnce(), 1);
  clock_.Advance(absl::Hours(1));
  SetComplaints(WeeksAgo(1), "billing-center", 1);
  SetComplaints(Hour(), "billing-center", 11);
  ASSERT_EQ(*monitor_->EvaluateOnce(), 1);
  ASSERT_EQ(Published().size(), 2u);
  EXPECT_EQ(Published()[1].period, "2026-12-02T15");
}

TEST_F(SurgeMonitorTest, ASurgeEndsOnceAfterItsWindowWhenTheNextOneIsQuiet) {
  SetComplaints(WeeksAgo(1), "billing-center", 1);
  SetComplaints(Hour(), "billing-center", 12);
  ASSERT_EQ(*monitor_->EvaluateOnce(), 1);
  ASSERT_EQ(*monitor_->EvaluateOnce(), 0) << "still the surging window: nothing ends";
  clock_.Advance(absl::Hours(1));  // 15:00: no complaint of the unit yet
  ASSERT_EQ(*monitor_->EvaluateOnce(), 1);
  ASSERT_EQ(*monitor_->EvaluateOnce(), 0);
  ASSERT_EQ(*NewMonitor()->EvaluateOnce(), 0) << "another replica, or a restart, shares the store";
  const std::vector<ports::TargetEvent> published = Published();
  ASSERT_EQ(published.size(), 2u);
  const ports::TargetEvent& ended = published[1];
  EXPECT_EQ(ended.type, TargetEventType::kSurgeEnded);
  EXPECT_EQ(ended.unit, "billing-center");
  EXPECT_EQ(ended.period, "2026-12-02T14") << "the window that surged";
  EXPECT_EQ(ended.value.numerator, 0);
  // And the unit may surge again later in the open window.
  SetComplaints(WeeksAgo(1), "billing-center", 1);
  SetComplaints(Hour(), "billing-center", 15);
  ASSERT_EQ(*monitor_->EvaluateOnce(), 1);
  EXPECT_EQ(Published().back().type, TargetEventType::kSurge);
  EXPECT_EQ(Published().back().period, "2026-12-02T15");
}

TEST_F(SurgeMonitorTest, AUnitSurgingWindowAfterWindowNeverEndsInBetween) {
  SetComplaints(WeeksAgo(1), "billing-center", 1);
  SetComplaints(Hour(), "billing-center", 12);
  ASSERT_EQ(*monitor_->EvaluateOnce(), 1);
  clock_.Advance(absl::Hours(1));
  SetComplaints(WeeksAgo(1), "billing-center", 1);
  SetComplaints(Hour(), "billing-center", 13);
  ASSERT_EQ(*monitor_->EvaluateOnce(), 1);
  for (const ports::TargetEvent& e : Published()) EXPECT_EQ(e.type, TargetEventType::kSurge);
}

// Replica B's clock runs a minute behind replica A's. At A's 15:00:30 the
// unit surges in hour 15; B, at 14:59:30 with a quiet hour 14, must not
// publish that hour 15's surge ended.
TEST_F(SurgeMonitorTest, AReplicaWhoseClockLagsEndsNoSurgeOfALaterWindow) {
  clock_.Advance(absl::Minutes(59) + absl::Seconds(30));  // 14:59:30
  sqms::testing::FakeClock lagging(clock_.Now());
  SurgeMonitor replica_b(reader_, store_, lagging, {rule_}, config_);
  clock_.Advance(absl::Minutes(1));
  SetComplaints(WeeksAgo(1), "billing-center", 1);
  SetComplaints(Hour(), "billing-center", 12);
  ASSERT_EQ(*monitor_->EvaluateOnce(), 1) << "replica A, at 15:00:30: hour 15 surged";
  ASSERT_EQ(*replica_b.EvaluateOnce(), 0) << "replica B, at 14:59:30";
  lagging.Advance(absl::Minutes(1));
  ASSERT_EQ(*replica_b.EvaluateOnce(), 0) << "replica B, at 15:00:30, agrees";
  ASSERT_EQ(Published().size(), 1u);
  EXPECT_EQ(Published()[0].type, TargetEventType::kSurge);
}

TEST_F(SurgeMonitorTest, ACountWithinTheBaselineRaisesNothing) {
  for (int week = 1; week <= 4; ++week) SetComplaints(WeeksAgo(week), "dispatch-center", 20);
  SetComplaints(Hour(), "dispatch-center", 39);  // < 2 × 20
  ASSERT_EQ(*monitor_->EvaluateOnce(), 0);
  EXPECT_TRUE(Published().empty());
}

TEST_F(SurgeMonitorTest, WeeksWithoutDataAreLeftOutOfTheBaseline) {
  // Only one week has data at all (another unit); this unit counted 0 there.
  SetComplaints(WeeksAgo(3), "safety-office", 4);
  SetComplaints(Hour(), "customer-service", 10);
  ASSERT_EQ(*monitor_->EvaluateOnce(), 1);
  EXPECT_DOUBLE_EQ(*Published()[0].surge.baseline, 0.0);
  EXPECT_EQ(Published()[0].surge.baseline_weeks, 1);
}

TEST_F(SurgeMonitorTest, WithoutAnyHistoryTheCountMustReachFactorTimesTheMinimum) {
  SetComplaints(Hour(), "customer-service", 19);
  ASSERT_EQ(*monitor_->EvaluateOnce(), 0);
  SetComplaints(Hour(), "customer-service", 20);
  ASSERT_EQ(*monitor_->EvaluateOnce(), 1);
  EXPECT_FALSE(Published()[0].surge.baseline.has_value());
  EXPECT_DOUBLE_EQ(Published()[0].target.threshold, 20.0);
}

TEST(SurgeMonitorIdTest, NamesTheRuleApartFromTargets) {
  domain::SurgeRule rule;
  rule.kpi = "complaint_volume";
  rule.dimension = "department";
  EXPECT_EQ(SurgeMonitor::RuleId(rule), "surge/complaint_volume/department/hour/4w/x2/min10");
}

}  // namespace
}  // namespace sqms::metrics::app
