#include "services/alerts/codec/event_alerts.h"

#include <string>

#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/alerts/domain/labels.h"
#include "sqms/complaints/v1/types.pb.h"
#include "sqms/events/v1/complaint_event.pb.h"
#include "sqms/events/v1/kpi_event.pb.h"

namespace sqms::alerts::codec {
namespace {

namespace ev = ::sqms::events::v1;
namespace cpb = ::sqms::complaints::v1;
using ::testing::Contains;
using ::testing::HasSubstr;
using ::testing::Key;
using ::testing::Not;
using ::testing::Pair;
using ::testing::UnorderedElementsAre;

constexpr int64_t kOccurred = 1796212800;  // 2026-12-02T12:00:00Z

ev::ComplaintEvent Complaint(ev::ComplaintEventType type) {
  ev::ComplaintEvent e;
  e.set_event_id("evt-1");
  e.set_type(type);
  e.mutable_occurred_at()->set_seconds(kOccurred);
  e.mutable_occurred_at()->set_nanos(500'000'000);
  cpb::Complaint* c = e.mutable_complaint();
  c->set_id("C-42");
  c->set_category(cpb::CATEGORY_SAFETY);
  c->set_priority(cpb::PRIORITY_P1);
  c->set_channel(cpb::CHANNEL_HOTLINE);
  c->set_department("ops");
  c->mutable_location()->set_station("Beijing South");
  c->set_title("Smoke in car ***");
  return e;
}

ev::KpiEvent Kpi(ev::KpiEventType type) {
  ev::KpiEvent e;
  e.set_event_id("kpi-1");
  e.set_type(type);
  e.mutable_occurred_at()->set_seconds(kOccurred);
  e.set_kpi("first_response_rate");
  e.set_dimension("department");
  e.set_unit("ops");
  e.set_window("day");
  e.set_period("2026-12-02");
  e.set_value(0.75);
  e.set_threshold(0.9);
  e.set_sample(40);
  e.set_direction("higher_is_better");
  return e;
}

TEST(ComplaintEventToAlert, SubmittedBecomesAFiringAlertWithTheComplaintsLabels) {
  auto alert = ComplaintEventToAlert(Complaint(ev::COMPLAINT_EVENT_TYPE_SUBMITTED)
                                         .SerializeAsString(),
                                     "ce-7");
  ASSERT_TRUE(alert.ok()) << alert.status();
  ASSERT_TRUE(alert->has_value());
  const domain::Alert& a = **alert;
  EXPECT_EQ(a.id, "ce-7");
  EXPECT_EQ(a.source, "complaints");
  EXPECT_TRUE(a.firing);
  EXPECT_FALSE(a.drill);
  EXPECT_EQ(a.at, absl::FromUnixSeconds(kOccurred) + absl::Milliseconds(500));
  // No region in the complaint: no region label (never an empty one).
  EXPECT_THAT(a.labels, UnorderedElementsAre(Pair("alertname", "complaint_submitted"),
                                             Pair("source", "complaints"),
                                             Pair("category", "safety"), Pair("priority", "P1"),
                                             Pair("department", "ops"),
                                             Pair("station", "Beijing South"),
                                             Pair("channel", "hotline"),
                                             Pair("complaint_id", "C-42")));
  EXPECT_THAT(a.annotations, Contains(Pair("title", "Smoke in car ***")));
  EXPECT_THAT(a.annotations, Contains(Key("summary")));
  EXPECT_THAT(a.annotations.at("summary"), HasSubstr("C-42"));
}

TEST(ComplaintEventToAlert, IdFallsBackToTheEventId) {
  auto alert = ComplaintEventToAlert(
      Complaint(ev::COMPLAINT_EVENT_TYPE_SUBMITTED).SerializeAsString(), "");
  ASSERT_TRUE(alert.ok()) << alert.status();
  ASSERT_TRUE(alert->has_value());
  EXPECT_EQ((*alert)->id, "evt-1");
}

TEST(ComplaintEventToAlert, SlaEventsCarryTheirTargetAndDue) {
  ev::ComplaintEvent e = Complaint(ev::COMPLAINT_EVENT_TYPE_SLA_BREACHED);
  e.set_sla_target(cpb::SLA_TARGET_FIRST_RESPONSE);
  cpb::SlaDeadline* d = e.mutable_complaint()->mutable_sla()->add_deadlines();
  d->set_target(cpb::SLA_TARGET_FIRST_RESPONSE);
  d->mutable_due()->set_seconds(kOccurred);
  auto breached = ComplaintEventToAlert(e.SerializeAsString(), "ce-8");
  ASSERT_TRUE(breached.ok()) << breached.status();
  ASSERT_TRUE(breached->has_value());
  EXPECT_THAT((*breached)->labels, Contains(Pair("alertname", "complaint_sla_breached")));
  EXPECT_THAT((*breached)->labels, Contains(Pair("sla_target", "first_response")));
  EXPECT_THAT((*breached)->annotations, Contains(Pair("due", "2026-12-02T12:00:00Z")));

  e.set_type(ev::COMPLAINT_EVENT_TYPE_SLA_AT_RISK);
  e.set_sla_target(cpb::SLA_TARGET_FOLLOW_UP);
  auto at_risk = ComplaintEventToAlert(e.SerializeAsString(), "ce-9");
  ASSERT_TRUE(at_risk.ok()) << at_risk.status();
  ASSERT_TRUE(at_risk->has_value());
  EXPECT_TRUE((*at_risk)->firing);
  EXPECT_THAT((*at_risk)->labels, Contains(Pair("alertname", "complaint_sla_at_risk")));
  EXPECT_THAT((*at_risk)->labels, Contains(Pair("sla_target", "follow_up")));
}

TEST(ComplaintEventToAlert, SubmittedHasNoSlaTarget) {
  auto alert = ComplaintEventToAlert(
      Complaint(ev::COMPLAINT_EVENT_TYPE_SUBMITTED).SerializeAsString(), "ce");
  ASSERT_TRUE(alert.ok() && alert->has_value());
  EXPECT_THAT((*alert)->labels, Not(Contains(Key("sla_target"))));
}

TEST(ComplaintEventToAlert, AReclassificationIntoSafetyBecomesAnAlertTheSafetyPlanMatches) {
  ev::ComplaintEvent e = Complaint(ev::COMPLAINT_EVENT_TYPE_RECLASSIFIED);
  e.set_note("category: hygiene → safety; priority: P3 → P1; department: onboard → ops");
  auto alert = ComplaintEventToAlert(e.SerializeAsString(), "ce-10");
  ASSERT_TRUE(alert.ok()) << alert.status();
  ASSERT_TRUE(alert->has_value()) << "dropped: the safety plan would never fire";
  const domain::Alert& a = **alert;
  EXPECT_EQ(a.id, "ce-10");
  EXPECT_TRUE(a.firing);
  // complaint_submitted's labels, under its own name.
  EXPECT_THAT(a.labels,
              UnorderedElementsAre(Pair("alertname", "complaint_reclassified"),
                                   Pair("source", "complaints"), Pair("category", "safety"),
                                   Pair("priority", "P1"), Pair("department", "ops"),
                                   Pair("station", "Beijing South"), Pair("channel", "hotline"),
                                   Pair("complaint_id", "C-42")));
  EXPECT_THAT(a.annotations.at("summary"), HasSubstr("reclassified"));
}

TEST(ComplaintEventToAlert, AReclassificationToAnotherCategoryRaisesNothing) {
  ev::ComplaintEvent e = Complaint(ev::COMPLAINT_EVENT_TYPE_RECLASSIFIED);
  e.mutable_complaint()->set_category(cpb::CATEGORY_HYGIENE);
  e.mutable_complaint()->set_priority(cpb::PRIORITY_P3);
  auto alert = ComplaintEventToAlert(e.SerializeAsString(), "ce-11");
  ASSERT_TRUE(alert.ok()) << alert.status();
  EXPECT_FALSE(alert->has_value());
}

TEST(ComplaintEventToAlert, OtherTypesRaiseNothing) {
  for (ev::ComplaintEventType type :
       {ev::COMPLAINT_EVENT_TYPE_ASSIGNED, ev::COMPLAINT_EVENT_TYPE_RESOLVED,
        ev::COMPLAINT_EVENT_TYPE_NOTE_ADDED, ev::COMPLAINT_EVENT_TYPE_UNSPECIFIED}) {
    auto alert = ComplaintEventToAlert(Complaint(type).SerializeAsString(), "ce");
    ASSERT_TRUE(alert.ok()) << alert.status();
    EXPECT_FALSE(alert->has_value()) << ev::ComplaintEventType_Name(type);
  }
}

TEST(ComplaintEventToAlert, GarbageIsInvalidArgument) {
  auto alert = ComplaintEventToAlert("\xff\xff\xff not a proto", "ce");
  EXPECT_EQ(alert.status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(ComplaintEventToAlert, MissingEventTimeIsInvalidArgument) {
  ev::ComplaintEvent e = Complaint(ev::COMPLAINT_EVENT_TYPE_SUBMITTED);
  e.clear_occurred_at();
  auto alert = ComplaintEventToAlert(e.SerializeAsString(), "ce");
  EXPECT_EQ(alert.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(alert.status().message()), HasSubstr("occurred_at"));
}

TEST(KpiEventToAlert, BreachedFiresWithRoutingLabelsAndDetailsInAnnotations) {
  auto alert = KpiEventToAlert(Kpi(ev::KPI_EVENT_TYPE_BREACHED).SerializeAsString(), "ce-k");
  ASSERT_TRUE(alert.ok()) << alert.status();
  ASSERT_TRUE(alert->has_value());
  const domain::Alert& a = **alert;
  EXPECT_EQ(a.id, "ce-k");
  EXPECT_EQ(a.source, "metrics");
  EXPECT_TRUE(a.firing);
  EXPECT_EQ(a.at, absl::FromUnixSeconds(kOccurred));
  EXPECT_THAT(a.labels, UnorderedElementsAre(
                            Pair("alertname", "kpi_breached"), Pair("source", "metrics"),
                            Pair("kpi", "first_response_rate"), Pair("dimension", "department"),
                            Pair("unit", "ops"), Pair("window", "day"), Pair("department", "ops")));
  EXPECT_THAT(a.annotations, Contains(Pair("period", "2026-12-02")));
  EXPECT_THAT(a.annotations, Contains(Pair("value", "0.75")));
  EXPECT_THAT(a.annotations, Contains(Pair("threshold", "0.9")));
  EXPECT_THAT(a.annotations, Contains(Pair("sample", "40")));
  EXPECT_THAT(a.annotations, Not(Contains(Key("consecutive_misses"))));
}

TEST(KpiEventToAlert, RecoveryResolvesTheBreachAlertEvenInAnotherPeriod) {
  auto breach = KpiEventToAlert(Kpi(ev::KPI_EVENT_TYPE_BREACHED).SerializeAsString(), "a");
  ev::KpiEvent recovered = Kpi(ev::KPI_EVENT_TYPE_RECOVERED);
  recovered.set_period("2026-12-03");
  recovered.set_value(0.95);
  auto recovery = KpiEventToAlert(recovered.SerializeAsString(), "b");
  ASSERT_TRUE(breach.ok() && breach->has_value());
  ASSERT_TRUE(recovery.ok() && recovery->has_value());
  EXPECT_TRUE((*breach)->firing);
  EXPECT_FALSE((*recovery)->firing);
  EXPECT_EQ((*recovery)->labels, (*breach)->labels);
  EXPECT_EQ(domain::Fingerprint((*recovery)->labels), domain::Fingerprint((*breach)->labels));
}

TEST(KpiEventToAlert, RepeatedMissesIsItsOwnAlert) {
  ev::KpiEvent e = Kpi(ev::KPI_EVENT_TYPE_TARGET_MISSED_REPEATEDLY);
  e.set_dimension("station");
  e.set_unit("Beijing South");
  e.set_consecutive_misses(3);
  auto alert = KpiEventToAlert(e.SerializeAsString(), "ce");
  ASSERT_TRUE(alert.ok()) << alert.status();
  ASSERT_TRUE(alert->has_value());
  EXPECT_TRUE((*alert)->firing);
  EXPECT_THAT((*alert)->labels, Contains(Pair("alertname", "kpi_target_missed_repeatedly")));
  EXPECT_THAT((*alert)->labels, Contains(Pair("station", "Beijing South")));
  EXPECT_THAT((*alert)->labels, Not(Contains(Key("department"))));
  EXPECT_THAT((*alert)->annotations, Contains(Pair("consecutive_misses", "3")));
}

TEST(KpiEventToAlert, SurgeFiresWithTheBreachLabelsAndItsBaseline) {
  ev::KpiEvent e = Kpi(ev::KPI_EVENT_TYPE_SURGE);
  e.set_kpi("complaint_volume");
  e.set_window("hour");
  e.set_period("2026-12-02T14");
  e.set_value(24);
  e.set_threshold(18);
  e.set_baseline(9);
  e.set_baseline_weeks(4);
  e.set_factor(2);
  auto alert = KpiEventToAlert(e.SerializeAsString(), "ce-s");
  ASSERT_TRUE(alert.ok()) << alert.status();
  ASSERT_TRUE(alert->has_value());
  EXPECT_TRUE((*alert)->firing);
  EXPECT_THAT((*alert)->labels,
              UnorderedElementsAre(Pair("alertname", "kpi_surge"), Pair("source", "metrics"),
                                   Pair("kpi", "complaint_volume"),
                                   Pair("dimension", "department"), Pair("unit", "ops"),
                                   Pair("window", "hour"), Pair("department", "ops")));
  EXPECT_THAT((*alert)->annotations, Contains(Pair("period", "2026-12-02T14")));
  EXPECT_THAT((*alert)->annotations, Contains(Pair("value", "24")));
  EXPECT_THAT((*alert)->annotations, Contains(Pair("threshold", "18")));
  EXPECT_THAT((*alert)->annotations, Contains(Pair("baseline", "9")));
  EXPECT_THAT((*alert)->annotations, Contains(Pair("baseline_weeks", "4")));
  EXPECT_THAT((*alert)->annotations, Contains(Pair("factor", "2")));
  EXPECT_THAT((*alert)->annotations, Not(Contains(Key("consecutive_misses"))));
}

TEST(KpiEventToAlert, SurgeEndedResolvesTheSurgeAlert) {
  ev::KpiEvent surge = Kpi(ev::KPI_EVENT_TYPE_SURGE);
  surge.set_kpi("complaint_volume");
  surge.set_window("hour");
  ev::KpiEvent ended = surge;
  ended.set_type(ev::KPI_EVENT_TYPE_SURGE_ENDED);
  ended.set_value(3);
  auto fired = KpiEventToAlert(surge.SerializeAsString(), "a");
  auto resolved = KpiEventToAlert(ended.SerializeAsString(), "b");
  ASSERT_TRUE(fired.ok() && fired->has_value());
  ASSERT_TRUE(resolved.ok() && resolved->has_value());
  EXPECT_TRUE((*fired)->firing);
  EXPECT_FALSE((*resolved)->firing);
  EXPECT_EQ((*resolved)->labels, (*fired)->labels);
  EXPECT_NE((*resolved)->annotations.at("summary").find("surge ended"), std::string::npos);
}

TEST(KpiEventToAlert, SurgeWithoutHistoryHasNoBaselineAnnotation) {
  ev::KpiEvent e = Kpi(ev::KPI_EVENT_TYPE_SURGE);
  e.set_factor(2);
  auto alert = KpiEventToAlert(e.SerializeAsString(), "ce");
  ASSERT_TRUE(alert.ok() && alert->has_value());
  EXPECT_THAT((*alert)->annotations, Not(Contains(Key("baseline"))));
  EXPECT_THAT((*alert)->annotations, Contains(Pair("baseline_weeks", "0")));
  EXPECT_NE((*alert)->annotations.at("summary").find("no baseline yet"), std::string::npos);
}

TEST(KpiEventToAlert, TotalDimensionAddsNoRoutingLabelAndUnknownValueIsLeftOut) {
  ev::KpiEvent e = Kpi(ev::KPI_EVENT_TYPE_BREACHED);
  e.set_dimension("total");
  e.set_unit("all");
  e.clear_value();
  auto alert = KpiEventToAlert(e.SerializeAsString(), "ce");
  ASSERT_TRUE(alert.ok() && alert->has_value());
  for (const char* name : {"department", "station", "region"}) {
    EXPECT_THAT((*alert)->labels, Not(Contains(Key(name))));
  }
  EXPECT_THAT((*alert)->annotations, Not(Contains(Key("value"))));
}

TEST(KpiEventToAlert, UnspecifiedTypeRaisesNothingAndGarbageIsRefused) {
  auto none = KpiEventToAlert(Kpi(ev::KPI_EVENT_TYPE_UNSPECIFIED).SerializeAsString(), "ce");
  ASSERT_TRUE(none.ok()) << none.status();
  EXPECT_FALSE(none->has_value());
  auto garbage = KpiEventToAlert("\x0a\xff\xff\xff\xff", "ce");
  EXPECT_EQ(garbage.status().code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace sqms::alerts::codec
