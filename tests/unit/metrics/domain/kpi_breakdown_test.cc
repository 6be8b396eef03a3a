// Which dimensions a KPI breaks down by (domain/kpi_breakdown.h): refused
// where numerator and denominator would count different units.

#include "services/metrics/domain/kpi_breakdown.h"

#include <gtest/gtest.h>

#include <string>

namespace sqms::metrics::domain {
namespace {

const KpiDefinition& Kpi(const char* name) {
  const KpiDefinition* kpi = FindKpi(name);
  EXPECT_NE(kpi, nullptr) << name;
  static const KpiDefinition kNone{};
  return kpi == nullptr ? kNone : *kpi;
}

TEST(KpiBreakdownTest, CallsOfferedOrAbandonedCarryNoAgent) {
  EXPECT_FALSE(BreaksDownBy(Kpi("answer_rate"), Dimension::kAgent));
  EXPECT_EQ(WhyNotBrokenDownBy(Kpi("answer_rate"), Dimension::kAgent),
            "answer_rate is not broken down by agent: call_offered events carry no agent");
  EXPECT_FALSE(BreaksDownBy(Kpi("abandonment_rate"), Dimension::kAgent));
  EXPECT_FALSE(BreaksDownBy(Kpi("service_level"), Dimension::kAgent));
  // Read from answered or ended calls alone: each has its agent.
  EXPECT_TRUE(BreaksDownBy(Kpi("average_speed_of_answer"), Dimension::kAgent));
  EXPECT_TRUE(BreaksDownBy(Kpi("average_handle_time"), Dimension::kAgent));
  EXPECT_TRUE(BreaksDownBy(Kpi("satisfaction_rate"), Dimension::kAgent));
}

TEST(KpiBreakdownTest, SubmissionsOutagesAndIncidentsCarryNoAgent) {
  EXPECT_FALSE(BreaksDownBy(Kpi("complaint_volume"), Dimension::kAgent));
  EXPECT_FALSE(BreaksDownBy(Kpi("system_reliability"), Dimension::kAgent));
  EXPECT_FALSE(BreaksDownBy(Kpi("mtta"), Dimension::kAgent));
}

TEST(KpiBreakdownTest, PlanAndLevelAreTheIncidentKpisOwn) {
  for (Dimension d : {Dimension::kPlan, Dimension::kLevel}) {
    EXPECT_TRUE(BreaksDownBy(Kpi("mtta"), d));
    EXPECT_TRUE(BreaksDownBy(Kpi("mttr"), d));
    EXPECT_FALSE(BreaksDownBy(Kpi("answer_rate"), d));
    EXPECT_FALSE(BreaksDownBy(Kpi("complaint_volume"), d));
  }
  EXPECT_EQ(WhyNotBrokenDownBy(Kpi("csat"), Dimension::kPlan),
            "csat is not broken down by plan: survey_answered events carry no plan");
}

TEST(KpiBreakdownTest, EveryKpiBreaksDownByTheTotalAndTheContactsDimensions) {
  for (const KpiDefinition& kpi : KpiDefinitions()) {
    for (Dimension d :
         {Dimension::kTotal, Dimension::kDepartment, Dimension::kChannel, Dimension::kCategory,
          Dimension::kRegion, Dimension::kStation, Dimension::kBand}) {
      if (kpi.form == Form::kScheduleShare && d == Dimension::kBand) continue;  // below
      EXPECT_TRUE(BreaksDownBy(kpi, d)) << kpi.name << " by " << DimensionName(d);
    }
  }
}

// Every platform down for the whole 8 h night band of a day: the band's
// outage time over the day's scheduled time would read 66.7 %, not 0 %.
TEST(KpiBreakdownTest, SystemReliabilityIsNotBrokenDownByBand) {
  EXPECT_FALSE(BreaksDownBy(Kpi("system_reliability"), Dimension::kBand));
  EXPECT_EQ(WhyNotBrokenDownBy(Kpi("system_reliability"), Dimension::kBand),
            "system_reliability is not broken down by band: its base, the scheduled working "
            "time, is the whole window's, and a band's outage time over it reads too high");
  EXPECT_TRUE(BreaksDownBy(Kpi("system_reliability"), Dimension::kStation));
}

}  // namespace
}  // namespace sqms::metrics::domain
