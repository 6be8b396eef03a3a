// Which source may resolve which alert, and who the timeline names
// (security review finding 2): AlertProcessor on the in-memory store
// (alerts_app_fixture.h has the plans).

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/unit/alerts/app/alerts_app_fixture.h"

namespace sqms::alerts::app::testing {
namespace {

using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::Not;
using ::testing::SizeIs;

class AlertSourcesTest : public AlertsAppTest {
 protected:
  // A firing SqmsDown of plan "outage" at `station` from `source`.
  domain::Alert Outage(const std::string& id, const std::string& source,
                       const std::string& station = "S1") const {
    domain::Alert a;
    a.id = id;
    a.source = source;
    a.labels = {{"alertname", "SqmsDown"}, {"station", station}};
    a.at = clock_.Now();
    return a;
  }
  // The alert as RaiseAlert makes it (source "api", id of the request id),
  // raised by `actor`.
  ProcessResult RaiseAs(domain::Alert alert, const std::string& request_id,
                        const std::string& actor) {
    alert.id = absl::StrCat("api|", request_id);
    alert.source = "api";
    auto r = processor_.Raise(alert, Ctx(request_id, actor));
    EXPECT_TRUE(r.ok()) << r.status();
    return r.ok() ? *std::move(r) : ProcessResult{};
  }
  std::vector<std::string> Actors(const std::string& id, const std::string& kind) {
    std::vector<std::string> out;
    for (const ports::TimelineEntry& e : Incident(id).timeline) {
      if (e.kind == kind) out.push_back(e.actor);
    }
    return out;
  }
};

// A `service` token could resolve a live Alertmanager outage by copying its
// labels into RaiseAlert(status=RESOLVED): the fingerprint was the labels'.
TEST_F(AlertSourcesTest, AnApiResolutionCannotResolveAnotherSourcesAlert) {
  for (const char* source : {"alertmanager", "complaints", "metrics"}) {
    SCOPED_TRACE(source);
    const std::string station = absl::StrCat("S-", source);
    Decision opened = Decide(Outage(absl::StrCat("fire-", source), source, station));
    ASSERT_EQ(opened.outcome, Outcome::kOpened);

    ProcessResult r =
        RaiseAs(Resolved(Outage("", source, station), ""), absl::StrCat("res-", source), "mon-max");
    ASSERT_THAT(r.decisions, SizeIs(1));
    EXPECT_EQ(r.decisions[0].outcome, Outcome::kNoIncident);
    ports::Incident i = Incident(opened.incident_id);
    EXPECT_EQ(i.state, domain::IncidentState::kTriggered);
    EXPECT_EQ(i.FiringAlerts(), 1);
  }
}

TEST_F(AlertSourcesTest, EachSourceStillResolvesItsOwnAlert) {
  Decision am = Decide(Outage("am-fire", "alertmanager", "S1"));
  ASSERT_EQ(am.outcome, Outcome::kOpened);
  EXPECT_EQ(Decide(Resolved(Outage("", "alertmanager", "S1"), "am-res")).outcome,
            Outcome::kResolved);
  EXPECT_EQ(Incident(am.incident_id).state, domain::IncidentState::kResolved);

  ProcessResult raised = RaiseAs(Outage("", "", "S2"), "api-fire", "sup-sue");
  ASSERT_THAT(raised.decisions, SizeIs(1));
  ASSERT_EQ(raised.decisions[0].outcome, Outcome::kOpened);
  ProcessResult resolved = RaiseAs(Resolved(Outage("", "", "S2"), ""), "api-res", "sup-sue");
  ASSERT_THAT(resolved.decisions, SizeIs(1));
  EXPECT_EQ(resolved.decisions[0].outcome, Outcome::kResolved);
  EXPECT_EQ(Incident(raised.decisions[0].incident_id).state, domain::IncidentState::kResolved);
}

// An api alert copying another source's labels is an alert of its own: it
// joins the incident, and resolving it leaves the other firing.
TEST_F(AlertSourcesTest, AnApiAlertWithAnotherSourcesLabelsIsAnAlertOfItsOwn) {
  Decision am = Decide(Outage("am-fire", "alertmanager"));
  ProcessResult raised = RaiseAs(Outage("", ""), "api-fire", "sup-sue");
  ASSERT_THAT(raised.decisions, SizeIs(1));
  EXPECT_EQ(raised.decisions[0].outcome, Outcome::kGrouped);
  EXPECT_EQ(raised.decisions[0].incident_id, am.incident_id);
  RaiseAs(Resolved(Outage("", ""), ""), "api-res", "sup-sue");
  ports::Incident i = Incident(am.incident_id);
  EXPECT_EQ(i.state, domain::IncidentState::kTriggered);
  EXPECT_EQ(i.FiringAlerts(), 1);
}

// The timeline names who raised and resolved an alert through RaiseAlert.
TEST_F(AlertSourcesTest, TheTimelineNamesTheCallerOfTheAlertsItCaused) {
  ProcessResult first = RaiseAs(Outage("", "", "S1"), "a-fire", "sup-sue");
  const std::string id = first.decisions.at(0).incident_id;
  domain::Alert second = Outage("", "", "S1");
  second.labels["instance"] = "b";
  RaiseAs(second, "b-fire", "mon-max");
  RaiseAs(Resolved(Outage("", "", "S1"), ""), "a-res", "sup-sue");
  RaiseAs(Resolved(second, ""), "b-res", "admin-ada");

  EXPECT_THAT(Actors(id, "alert"), ElementsAre("mon-max"));
  EXPECT_THAT(Actors(id, "alert-resolved"), ElementsAre("sup-sue", "admin-ada"));
  EXPECT_THAT(Actors(id, "resolved"), ElementsAre("admin-ada"));
  // Machine sources stay "system".
  Decision am = Decide(Outage("am-fire", "alertmanager", "S9"));
  Decide(Resolved(Outage("", "alertmanager", "S9"), "am-res"));
  EXPECT_THAT(Actors(am.incident_id, "resolved"), ElementsAre("system"));
  EXPECT_THAT(Actors(am.incident_id, "resolved"), Not(Contains("sup-sue")));
}

}  // namespace
}  // namespace sqms::alerts::app::testing
