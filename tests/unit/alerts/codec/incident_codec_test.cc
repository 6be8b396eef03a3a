#include "services/alerts/codec/incident_codec.h"

#include "gtest/gtest.h"
#include "services/alerts/codec/incident_event_codec.h"
#include "sqms/events/v1/incident_event.pb.h"

namespace sqms::alerts::codec {
namespace {

namespace pb = ::sqms::alerts::v1;
namespace ev = ::sqms::events::v1;

const absl::Time kOpened = absl::FromUnixSeconds(1'700'000'000);

app::CatalogData Catalog() {
  domain::Plan plan;
  plan.id = "outage";
  plan.steps = {{.title = "Page the vendor", .owner_role = "noc", .expected_minutes = 5},
                {.title = "Status note", .owner_role = "comms", .expected_minutes = 15}};
  app::CatalogData catalog;
  catalog.plans.push_back(plan);
  return catalog;
}

// Just opened: acknowledged, resolved and closed are not yet.
ports::Incident Opened() {
  ports::Incident incident;
  incident.id = "inc-1";
  incident.plan_id = "outage";
  incident.risk_id = "network";
  incident.title = "Network outage";
  incident.level = "I";
  incident.outage = true;
  incident.known_issue_categories = {"network_fault"};
  incident.labels = {{"region", "north"}};
  incident.opened_at = kOpened;
  incident.step = {.tier = 1, .repeat = 2};
  incident.next_escalation_at = kOpened + absl::Minutes(5);
  incident.alerts = {{"aaaa", true}, {"bbbb", false}, {"cccc", true}};
  incident.alerts_total = 4;
  incident.steps.resize(2);
  incident.timeline.push_back({.at = kOpened, .actor = "system", .kind = "opened", .text = "x"});
  incident.version = 3;
  return incident;
}

TEST(IncidentCodecTest, TimesNotYetKnownStayUnset) {
  const pb::Incident out = IncidentToProto(Opened(), Catalog(), {});
  EXPECT_EQ(out.state(), pb::INCIDENT_STATE_TRIGGERED);
  EXPECT_EQ(out.opened_at().seconds(), 1'700'000'000);
  EXPECT_FALSE(out.has_acknowledged_at());
  EXPECT_FALSE(out.has_resolved_at());
  EXPECT_FALSE(out.has_closed_at());
  EXPECT_EQ(out.next_escalation_at().seconds(), 1'700'000'000 + 300);
  EXPECT_FALSE(out.steps(0).has_done_at());

  ports::Incident resolved = Opened();
  resolved.state = domain::IncidentState::kResolved;
  resolved.acknowledged_at = kOpened + absl::Milliseconds(61'500);
  resolved.acknowledged_by = "zhang";
  resolved.resolved_at = kOpened + absl::Hours(1);
  resolved.next_escalation_at = absl::InfiniteFuture();
  const pb::Incident after = IncidentToProto(resolved, Catalog(), {});
  EXPECT_EQ(after.state(), pb::INCIDENT_STATE_RESOLVED);
  EXPECT_EQ(after.acknowledged_at().seconds(), 1'700'000'061);
  EXPECT_EQ(after.acknowledged_at().nanos(), 500'000'000);
  EXPECT_EQ(after.acknowledged_by(), "zhang");
  EXPECT_EQ(after.resolved_at().seconds(), 1'700'003'600);
  EXPECT_FALSE(after.has_closed_at());
  EXPECT_FALSE(after.has_next_escalation_at());
}

TEST(IncidentCodecTest, CarriesTheRecord) {
  ports::Delivery delivery;
  delivery.id = "d1";
  delivery.target = "pager";
  delivery.tier = 1;
  delivery.status = "failed";
  delivery.attempts = 3;
  delivery.last_http_status = 503;
  delivery.last_error = "unavailable";
  delivery.last_latency_ms = 42;
  const pb::Incident out = IncidentToProto(Opened(), Catalog(), {delivery});
  EXPECT_EQ(out.id(), "inc-1");
  EXPECT_EQ(out.plan_id(), "outage");
  EXPECT_EQ(out.risk_id(), "network");
  EXPECT_EQ(out.title(), "Network outage");
  EXPECT_EQ(out.level(), "I");
  EXPECT_TRUE(out.outage());
  EXPECT_FALSE(out.drill());
  EXPECT_EQ(out.labels().at("region"), "north");
  EXPECT_EQ(out.tier(), 1);
  EXPECT_EQ(out.repeat(), 2);
  EXPECT_EQ(out.alerts_firing(), 2);
  EXPECT_EQ(out.alerts_total(), 4);
  EXPECT_EQ(out.version(), 3);
  ASSERT_EQ(out.timeline_size(), 1);
  EXPECT_EQ(out.timeline(0).kind(), "opened");
  EXPECT_EQ(out.timeline(0).at().seconds(), 1'700'000'000);
  ASSERT_EQ(out.deliveries_size(), 1);
  EXPECT_EQ(out.deliveries(0).status(), "failed");
  EXPECT_EQ(out.deliveries(0).last_http_status(), 503);
  EXPECT_EQ(out.deliveries(0).last_latency_ms(), 42);
}

TEST(IncidentCodecTest, StepsJoinThePlanWithTheRecords) {
  ports::Incident incident = Opened();
  incident.steps[1] = {.done = true,
                       .done_at = kOpened + absl::Minutes(7),
                       .done_by = "li",
                       .definition = std::nullopt};  // a document from before definitions
  pb::Incident out = IncidentToProto(incident, Catalog(), {});
  ASSERT_EQ(out.steps_size(), 2);
  EXPECT_EQ(out.steps(0).index(), 0);
  EXPECT_EQ(out.steps(0).title(), "Page the vendor");
  EXPECT_EQ(out.steps(0).owner_role(), "noc");
  EXPECT_FALSE(out.steps(0).done());
  EXPECT_EQ(out.steps(1).index(), 1);
  EXPECT_EQ(out.steps(1).expected_minutes(), 15);
  EXPECT_TRUE(out.steps(1).done());
  EXPECT_EQ(out.steps(1).done_by(), "li");
  EXPECT_EQ(out.steps(1).done_at().seconds(), 1'700'000'420);

  // The plan is gone: the records remain, untitled.
  out = IncidentToProto(incident, app::CatalogData{}, {});
  ASSERT_EQ(out.steps_size(), 2);
  EXPECT_EQ(out.steps(1).title(), "");
  EXPECT_TRUE(out.steps(1).done());
}

// An incident opened with its plan's steps shows those, whatever the plan
// in force says now (a step inserted, another renamed).
TEST(IncidentCodecTest, StepsRecordedAtOpeningWinOverThePlanInForce) {
  ports::Incident incident = Opened();
  incident.steps[0].definition =
      domain::Step{.title = "Confirm the report", .owner_role = "duty", .expected_minutes = 5};
  incident.steps[1].definition =
      domain::Step{.title = "Report", .owner_role = "duty", .expected_minutes = 30};
  incident.steps[0].done = true;
  incident.steps[0].done_by = "alice";
  pb::Incident out = IncidentToProto(incident, Catalog(), {});  // its plan has other steps
  ASSERT_EQ(out.steps_size(), 2);
  EXPECT_EQ(out.steps(0).title(), "Confirm the report");
  EXPECT_TRUE(out.steps(0).done());
  EXPECT_EQ(out.steps(0).done_by(), "alice");
  EXPECT_EQ(out.steps(1).title(), "Report");
  EXPECT_EQ(out.steps(1).expected_minutes(), 30);
}

TEST(IncidentCodecTest, StatesMapOneToOne) {
  EXPECT_EQ(StateToProto(domain::IncidentState::kAcknowledged), pb::INCIDENT_STATE_ACKNOWLEDGED);
  EXPECT_EQ(StateToProto(domain::IncidentState::kMitigating), pb::INCIDENT_STATE_MITIGATING);
  EXPECT_EQ(StateToProto(domain::IncidentState::kClosed), pb::INCIDENT_STATE_CLOSED);
}

TEST(IncidentCodecTest, DecisionsCarryTheirOutcome) {
  app::ProcessResult result;
  result.fingerprint = "0123456789abcdef";
  result.decisions = {
      {.plan_id = "a", .outcome = app::Outcome::kOpened, .incident_id = "inc-1",
       .silence_id = "", .inhibited_by = ""},
      {.plan_id = "b", .outcome = app::Outcome::kSilenced, .incident_id = "",
       .silence_id = "sil-1", .inhibited_by = ""},
      {.plan_id = "c", .outcome = app::Outcome::kInhibited, .incident_id = "",
       .silence_id = "", .inhibited_by = "inc-0"},
      {.plan_id = "d", .outcome = app::Outcome::kCounted, .incident_id = "", .silence_id = "",
       .inhibited_by = ""},
  };
  const pb::RaiseAlertResponse out = ProcessResultToProto(result);
  EXPECT_EQ(out.fingerprint(), "0123456789abcdef");
  ASSERT_EQ(out.decisions_size(), 4);
  EXPECT_EQ(out.decisions(0).outcome(), pb::OUTCOME_OPENED);
  EXPECT_EQ(out.decisions(0).incident_id(), "inc-1");
  EXPECT_EQ(out.decisions(1).outcome(), pb::OUTCOME_SILENCED);
  EXPECT_EQ(out.decisions(1).silence_id(), "sil-1");
  EXPECT_EQ(out.decisions(2).inhibited_by(), "inc-0");
  EXPECT_EQ(out.decisions(3).outcome(), pb::OUTCOME_COUNTED);
  EXPECT_EQ(OutcomeToProto(app::Outcome::kGrouped), pb::OUTCOME_GROUPED);
  EXPECT_EQ(OutcomeToProto(app::Outcome::kDuplicate), pb::OUTCOME_DUPLICATE);
  EXPECT_EQ(OutcomeToProto(app::Outcome::kResolved), pb::OUTCOME_RESOLVED);
  EXPECT_EQ(OutcomeToProto(app::Outcome::kNoIncident), pb::OUTCOME_NO_INCIDENT);
}

TEST(IncidentCodecTest, DrillReportMarksTheUnknownWithMinusOne) {
  app::DrillReport report;
  report.incident_id = "drill-1";
  report.plan_id = "outage";
  report.started_at = kOpened;
  report.to_acknowledge = absl::Seconds(90);
  report.acknowledged_at_tier = 1;
  report.tiers_notified = {{0, kOpened}, {1, kOpened + absl::Minutes(1)}};
  report.steps = {{.index = 0, .title = "Page the vendor", .expected_minutes = 5,
                   .taken = absl::Minutes(7), .late = true},
                  {.index = 1, .title = "Status note", .expected_minutes = 15,
                   .taken = std::nullopt, .late = false}};
  report.missed_steps = 1;
  const pb::DrillReport out = DrillReportToProto(report);
  EXPECT_EQ(out.started_at().seconds(), 1'700'000'000);
  EXPECT_DOUBLE_EQ(out.seconds_to_acknowledge(), 90);
  EXPECT_EQ(out.acknowledged_at_tier(), 1);
  ASSERT_EQ(out.tiers_size(), 2);
  EXPECT_EQ(out.tiers(1).notified_at().seconds(), 1'700'000'060);
  ASSERT_EQ(out.steps_size(), 2);
  EXPECT_TRUE(out.steps(0).done());
  EXPECT_DOUBLE_EQ(out.steps(0).minutes_taken(), 7);
  EXPECT_TRUE(out.steps(0).late());
  EXPECT_FALSE(out.steps(1).done());
  EXPECT_EQ(out.missed_steps(), 1);
  EXPECT_DOUBLE_EQ(out.seconds_to_resolve(), -1);
  EXPECT_EQ(out.previous_incident_id(), "");
  EXPECT_DOUBLE_EQ(out.previous_seconds_to_acknowledge(), -1);
  EXPECT_DOUBLE_EQ(out.previous_seconds_to_resolve(), -1);
}

TEST(IncidentEventCodecTest, EncodesTheIncidentAfterTheChange) {
  ports::Incident incident = Opened();
  incident.state = domain::IncidentState::kAcknowledged;
  incident.acknowledged_at = kOpened + absl::Seconds(30);
  incident.drill = true;
  ev::IncidentEvent event;
  ASSERT_TRUE(event.ParseFromString(EncodeIncidentEvent(
      incident, ports::IncidentEventKind::kAcknowledged, "ev-1", kOpened + absl::Seconds(30),
      "zhang")));
  EXPECT_EQ(event.event_id(), "ev-1");
  EXPECT_EQ(event.type(), ev::INCIDENT_EVENT_TYPE_ACKNOWLEDGED);
  EXPECT_EQ(event.occurred_at().seconds(), 1'700'000'030);
  EXPECT_EQ(event.incident_id(), "inc-1");
  EXPECT_EQ(event.plan_id(), "outage");
  EXPECT_EQ(event.risk_id(), "network");
  EXPECT_EQ(event.level(), "I");
  EXPECT_EQ(event.state(), "acknowledged");
  EXPECT_TRUE(event.drill());
  EXPECT_EQ(event.labels().at("region"), "north");
  EXPECT_EQ(event.actor(), "zhang");
  EXPECT_EQ(event.opened_at().seconds(), 1'700'000'000);
  EXPECT_EQ(event.acknowledged_at().seconds(), 1'700'000'030);
  EXPECT_FALSE(event.has_resolved_at());
  EXPECT_EQ(event.tier(), 1);
  EXPECT_TRUE(event.outage());
  EXPECT_EQ(event.title(), "Network outage");
  ASSERT_EQ(event.known_issue_categories_size(), 1);
  EXPECT_EQ(event.known_issue_categories(0), "network_fault");
}

TEST(IncidentEventCodecTest, CloudEventTypes) {
  using K = ports::IncidentEventKind;
  EXPECT_EQ(IncidentEventType(K::kOpened), "sqms.incidents.v1.opened");
  EXPECT_EQ(IncidentEventType(K::kEscalated), "sqms.incidents.v1.escalated");
  EXPECT_EQ(IncidentEventType(K::kAcknowledged), "sqms.incidents.v1.acknowledged");
  EXPECT_EQ(IncidentEventType(K::kMitigating), "sqms.incidents.v1.mitigating");
  EXPECT_EQ(IncidentEventType(K::kResolved), "sqms.incidents.v1.resolved");
  EXPECT_EQ(IncidentEventType(K::kClosed), "sqms.incidents.v1.closed");
  EXPECT_EQ(IncidentEventType(K::kStepCompleted), "sqms.incidents.v1.step_completed");
  EXPECT_EQ(IncidentEventType(K::kAlertAdded), "sqms.incidents.v1.alert_added");
}

}  // namespace
}  // namespace sqms::alerts::codec
