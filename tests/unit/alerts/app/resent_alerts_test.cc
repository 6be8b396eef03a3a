// A firing alert Alertmanager re-sends under the same id after its
// incident ended (alerts review finding 5): AlertProcessor on the in-memory
// store (alerts_app_fixture.h has the plans).

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/unit/alerts/app/alerts_app_fixture.h"

namespace sqms::alerts::app::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::SizeIs;

class ResentAlertsTest : public AlertsAppTest {
 protected:
  // A firing SqmsDown of plan "outage" at station S1 from `source`.
  domain::Alert Outage(const std::string& id, const std::string& source) const {
    domain::Alert a;
    a.id = id;
    a.source = source;
    a.labels = {{"alertname", "SqmsDown"}, {"station", "S1"}};
    a.at = clock_.Now();
    return a;
  }
};

// Alertmanager re-sends a still-firing alert under the same id
// (am|fp|startsAt|firing). Resolved by hand while it fires, the incident
// must not stay quiet: the re-send opens a new one and pages again.
TEST_F(ResentAlertsTest, AResentFiringAlertWhoseIncidentWasResolvedByHandOpensANewOne) {
  const domain::Alert firing = Outage("am|c0ffee|2026-12-02T10:00:00Z|firing", "alertmanager");
  Decision first = Decide(firing);
  ASSERT_EQ(first.outcome, Outcome::kOpened);
  clock_.Advance(absl::Minutes(20));
  ASSERT_TRUE(commands_.Resolve(first.incident_id, Ctx("resolve-1"), "one pod is back").ok());

  clock_.Advance(absl::Hours(1));
  ProcessResult again = Process(firing);
  EXPECT_FALSE(again.replayed);
  ASSERT_THAT(again.decisions, SizeIs(1));
  EXPECT_EQ(again.decisions[0].outcome, Outcome::kOpened);
  const std::string second = again.decisions[0].incident_id;
  EXPECT_NE(second, first.incident_id);
  EXPECT_EQ(Incident(second).state, domain::IncidentState::kTriggered);
  EXPECT_THAT(Pages(second), ElementsAre("triggered 0.0 sink"));
  EXPECT_EQ(Incident(first.incident_id).state, domain::IncidentState::kResolved);

  // The new answer is recorded: the next re-send is a replay of it.
  ProcessResult third = Process(firing);
  EXPECT_TRUE(third.replayed);
  ASSERT_THAT(third.decisions, SizeIs(1));
  EXPECT_EQ(third.decisions[0].incident_id, second);
}

// While its incident is active, a re-send changes nothing (as before); and
// a redelivery from a source that does not re-send (a Kafka event, a
// RaiseAlert retry) stays a replay even after the incident ended.
TEST_F(ResentAlertsTest, OnlyAReSendingSourcesAlertIsDecidedAgainAndOnlyOnceItsIncidentEnded) {
  const domain::Alert firing = Outage("am|c0ffee|2026-12-02T10:00:00Z|firing", "alertmanager");
  Decision first = Decide(firing);
  const int writes = store_.writes();
  EXPECT_TRUE(Process(firing).replayed);
  EXPECT_EQ(store_.writes(), writes);

  Decision complaint = Decide(Safety("ev-1", "S2", "c-1"));  // S1: inhibited
  ASSERT_EQ(complaint.outcome, Outcome::kOpened);
  ASSERT_TRUE(commands_.Resolve(complaint.incident_id, Ctx("resolve-2"), "handled").ok());
  ProcessResult redelivered = Process(Safety("ev-1", "S2", "c-1"));
  EXPECT_TRUE(redelivered.replayed);
  EXPECT_EQ(redelivered.decisions.at(0).incident_id, complaint.incident_id);
  EXPECT_EQ(first.outcome, Outcome::kOpened);
}

}  // namespace
}  // namespace sqms::alerts::app::testing
