// Flap protection (plan resolve_after): an alert that resolves and fires
// again keeps its incident — no second incident, no second page — and the
// incident resolves only after every alert stayed resolved that long.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/unit/alerts/app/alerts_app_fixture.h"

namespace sqms::alerts::app::testing {
namespace {

using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::Pair;

class FlapProtectionTest : public AlertsAppTest {
 protected:
  void SetUp() override {
    CatalogData data = TestCatalog();
    domain::Plan flappy = MakePlan("flappy", {M("alertname", "=", "Flappy")}, {"service"});
    flappy.resolve_after = absl::Minutes(5);
    // As the shipped outage plan: 5 min with one repeat, then the duty
    // manager; resolving 10 min after its last alert resolved.
    domain::Plan outage =
        MakePlan("platform", {M("alertname", "=", "PlatformOutage")}, {"service"});
    outage.escalation = {MakeTier({"user:first"}, {"sink"}, absl::Minutes(5), 1),
                         MakeTier({"role:duty-manager"}, {"sink"}, absl::Minutes(10), 0)};
    outage.resolve_after = absl::Minutes(10);
    outage.ack_expiry = absl::Minutes(30);
    std::vector<domain::Plan> plans = data.plans;
    plans.push_back(flappy);
    plans.push_back(outage);
    catalog_.ReplacePlans(std::move(plans));
  }
  domain::Alert Flappy(const std::string& id, bool firing) {
    domain::Alert a = WithLabels(id, {{"alertname", "Flappy"}, {"service", "ivr"}}, clock_.Now());
    a.firing = firing;
    return a;
  }
  domain::Alert Outage(const std::string& id, bool firing) {
    domain::Alert a =
        WithLabels(id, {{"alertname", "PlatformOutage"}, {"service", "quiet1"}}, clock_.Now());
    a.firing = firing;
    return a;
  }
  // Pages (not resolved notices) of `id`, as Pages() shows them.
  std::vector<std::string> PagesSent(const std::string& id) {
    std::vector<std::string> out;
    for (const std::string& page : Pages(id)) {
      if (!page.starts_with("resolved ")) out.push_back(page);
    }
    return out;
  }
  std::vector<std::string> TimelineKinds(const std::string& id) {
    std::vector<std::string> out;
    for (const ports::TimelineEntry& e : Incident(id).timeline) out.push_back(e.kind);
    return out;
  }
  std::map<std::string, absl::Time> EscalationTimers() const {
    std::map<std::string, absl::Time> out;
    for (const auto& [id, due] : IncidentTimers()) {
      if (id.starts_with("esc|")) out.emplace(id, due);
    }
    return out;
  }
  std::vector<std::string> QuietTimers() const {
    std::vector<std::string> out;
    for (const auto& [id, due] : IncidentTimers()) {
      if (id.starts_with("quiet|")) out.push_back(id);
    }
    return out;
  }
};

TEST_F(FlapProtectionTest, AFlappingAlertKeepsOneIncidentAndPagesOnce) {
  const Decision opened = Decide(Flappy("f1", true));
  ASSERT_EQ(opened.outcome, Outcome::kOpened);
  const size_t pages = Pages(opened.incident_id).size();

  for (int flap = 0; flap < 3; ++flap) {
    clock_.Advance(absl::Minutes(1));
    ASSERT_EQ(Decide(Flappy(absl::StrCat("r", flap), false)).outcome, Outcome::kResolved);
    EXPECT_EQ(Incident(opened.incident_id).state, domain::IncidentState::kTriggered)
        << "not resolved while the quiet spell runs";
    clock_.Advance(absl::Minutes(1));
    FireDueTimers();  // the quiet timer is not due yet
    const Decision again = Decide(Flappy(absl::StrCat("f", flap + 2), true));
    EXPECT_EQ(again.outcome, Outcome::kGrouped);
    EXPECT_EQ(again.incident_id, opened.incident_id) << "no second incident";
  }
  EXPECT_EQ(Pages(opened.incident_id).size(), pages) << "no page for a flap";
  clock_.Advance(absl::Minutes(10));
  FireDueTimers();  // quiet timers of ended spells find an alert firing
  EXPECT_EQ(Incident(opened.incident_id).state, domain::IncidentState::kTriggered);
}

TEST_F(FlapProtectionTest, ItResolvesOnceEveryAlertStayedResolvedLongEnough) {
  const Decision opened = Decide(Flappy("f1", true));
  clock_.Advance(absl::Minutes(1));
  ASSERT_EQ(Decide(Flappy("r1", false)).outcome, Outcome::kResolved);
  const absl::Time quiet = clock_.Now();
  EXPECT_EQ(QuietTimers().size(), 1u);
  clock_.Advance(absl::Minutes(4));
  FireDueTimers();
  EXPECT_EQ(Incident(opened.incident_id).state, domain::IncidentState::kTriggered);
  clock_.Advance(absl::Minutes(1));
  FireDueTimers();
  const ports::Incident resolved = Incident(opened.incident_id);
  EXPECT_EQ(resolved.state, domain::IncidentState::kResolved);
  EXPECT_EQ(resolved.resolved_at, quiet + absl::Minutes(5));
  EXPECT_THAT(QuietTimers(), IsEmpty());
  EXPECT_EQ(store_.FindGroup(resolved.group_key).value(), "") << "its group is released";
  EXPECT_EQ(Decide(Flappy("f9", true)).outcome, Outcome::kOpened)
      << "after the resolution a new alert opens a new incident";
}

// Alertmanager resolves an alert when Prometheus stops evaluating it for a
// while (a restart), and fires it again under its first id (the same
// startsAt) when it is back: a flap, not a replay — the quiet spell ends,
// and the incident does not resolve during the outage. Resolved again
// later, the second resolution has an id of its own (its endsAt) and
// resolves the incident.
TEST_F(FlapProtectionTest, AnAlertmanagerAlertFiringAgainUnderItsFirstIdIsAFlap) {
  auto from_alertmanager = [&](const std::string& id, bool firing) {
    domain::Alert a = Outage(id, firing);
    a.source = "alertmanager";
    return a;
  };
  const domain::Alert firing = from_alertmanager("am|fp|2026-12-02T10:00:00Z|firing", true);
  const Decision opened = Decide(firing);
  ASSERT_EQ(opened.outcome, Outcome::kOpened);
  clock_.Advance(absl::Minutes(6));
  ASSERT_EQ(
      Decide(from_alertmanager("am|fp|2026-12-02T10:00:00Z|2026-12-02T10:06:00Z|resolved", false))
          .outcome,
      Outcome::kResolved);
  clock_.Advance(absl::Minutes(2));
  ProcessResult again = Process(firing);
  EXPECT_FALSE(again.replayed) << "decided again: it fires";
  EXPECT_EQ(Incident(opened.incident_id).quiet_since, absl::InfinitePast());
  clock_.Advance(absl::Minutes(10));
  FireDueTimers();
  EXPECT_EQ(Incident(opened.incident_id).state, domain::IncidentState::kTriggered)
      << "not resolved while the outage goes on";

  ASSERT_FALSE(
      Process(from_alertmanager("am|fp|2026-12-02T10:00:00Z|2026-12-02T10:30:00Z|resolved", false))
          .replayed);
  clock_.Advance(absl::Minutes(10));
  FireDueTimers();
  EXPECT_EQ(Incident(opened.incident_id).state, domain::IncidentState::kResolved);
}

TEST_F(FlapProtectionTest, WithoutResolveAfterTheLastResolutionResolvesAtOnce) {
  const std::string id = OpenSafety();
  ASSERT_EQ(Decide(Resolved(Safety("open-S1", "S1", "c-1"), "r1")).outcome, Outcome::kResolved);
  EXPECT_EQ(Incident(id).state, domain::IncidentState::kResolved);
  EXPECT_THAT(QuietTimers(), IsEmpty());
}

TEST_F(FlapProtectionTest, AQuietIncidentEscalatesNobodyAndResolves) {
  const Decision opened = Decide(Outage("f1", true));
  ASSERT_EQ(opened.outcome, Outcome::kOpened);
  clock_.Advance(absl::Minutes(5));
  FireDueTimers();  // tier 1 again, the alert still firing
  clock_.Advance(absl::Minutes(1));
  ASSERT_EQ(Decide(Outage("r1", false)).outcome, Outcome::kResolved);

  clock_.Advance(absl::Minutes(4));  // tier 2 was due now
  FireDueTimers();
  EXPECT_THAT(PagesSent(opened.incident_id), ElementsAre("triggered 0.0 sink", "repeated 0.1 sink"))
      << "the duty manager is not paged for a resolved alert";
  EXPECT_THAT(TimelineKinds(opened.incident_id), Contains("escalation-held"));
  EXPECT_EQ(Incident(opened.incident_id).state, domain::IncidentState::kTriggered);

  clock_.Advance(absl::Minutes(6));  // the quiet spell's 10 min
  FireDueTimers();
  EXPECT_EQ(Incident(opened.incident_id).state, domain::IncidentState::kResolved);
  EXPECT_THAT(PagesSent(opened.incident_id),
              ElementsAre("triggered 0.0 sink", "repeated 0.1 sink"));
  FireDueTimers();  // the resolution's wake of the alerts it muted (unmute|)
  EXPECT_THAT(IncidentTimers(), IsEmpty());
}

// An acknowledgement that runs out while the incident is quiet pages
// nobody: resolved by the spell's end, the incident is never paged again.
TEST_F(FlapProtectionTest, AnAckExpiringWhileQuietPagesNobody) {
  const Decision opened = Decide(Outage("f1", true));
  ASSERT_TRUE(commands_.Acknowledge(opened.incident_id, Ctx("ack-1"), "on it").ok());
  clock_.Advance(absl::Minutes(25));
  ASSERT_EQ(Decide(Outage("r1", false)).outcome, Outcome::kResolved);

  clock_.Advance(absl::Minutes(5));  // the 30 min ack_expiry
  FireDueTimers();
  EXPECT_EQ(Incident(opened.incident_id).state, domain::IncidentState::kAcknowledged);
  EXPECT_THAT(TimelineKinds(opened.incident_id), Contains("ack-expiry-held"));

  clock_.Advance(absl::Minutes(5));  // the quiet spell's 10 min
  FireDueTimers();
  clock_.Advance(absl::Seconds(1));
  FireDueTimers();  // what is left: the expiry held past the spell, the unmute wake
  EXPECT_EQ(Incident(opened.incident_id).state, domain::IncidentState::kResolved);
  EXPECT_THAT(PagesSent(opened.incident_id), ElementsAre("triggered 0.0 sink"))
      << "nobody paged again for an acknowledgement that ran out while every alert was resolved";
  EXPECT_THAT(IncidentTimers(), IsEmpty());
}

// The alert firing again before the spell ends: the acknowledgement, run
// out meanwhile, expires at the spell's end and pages again.
TEST_F(FlapProtectionTest, AnAckHeldWhileQuietExpiresOnceAnAlertFiresAgain) {
  const Decision opened = Decide(Outage("f1", true));
  ASSERT_TRUE(commands_.Acknowledge(opened.incident_id, Ctx("ack-1"), "on it").ok());
  clock_.Advance(absl::Minutes(25));
  ASSERT_EQ(Decide(Outage("r1", false)).outcome, Outcome::kResolved);
  clock_.Advance(absl::Minutes(5));
  FireDueTimers();  // held
  clock_.Advance(absl::Minutes(1));
  ASSERT_EQ(Decide(Outage("f2", true)).outcome, Outcome::kGrouped);

  clock_.Advance(absl::Minutes(4));  // the spell would have ended
  FireDueTimers();
  EXPECT_EQ(Incident(opened.incident_id).state, domain::IncidentState::kTriggered);
  EXPECT_THAT(PagesSent(opened.incident_id),
              ElementsAre("triggered 0.0 sink", "repeated 0.0 sink"));
}

TEST_F(FlapProtectionTest, AnAlertFiringAgainResumesTheHeldEscalation) {
  const Decision opened = Decide(Outage("f1", true));
  clock_.Advance(absl::Minutes(5));
  FireDueTimers();
  clock_.Advance(absl::Minutes(1));  // 4 min left before tier 2
  ASSERT_EQ(Decide(Outage("r1", false)).outcome, Outcome::kResolved);
  clock_.Advance(absl::Minutes(6));
  FireDueTimers();  // held
  clock_.Advance(absl::Minutes(1));
  ASSERT_EQ(Decide(Outage("f2", true)).outcome, Outcome::kGrouped);
  EXPECT_THAT(TimelineKinds(opened.incident_id), Contains("escalation-resumed"));
  const ports::Incident refired = Incident(opened.incident_id);
  EXPECT_EQ(refired.next_escalation_at, clock_.Now() + absl::Minutes(4));
  EXPECT_THAT(EscalationTimers(),
              ElementsAre(Pair(changes::EscalationTimer(refired.id, refired.escalation_seq),
                               clock_.Now() + absl::Minutes(4))))
      << "a re-firing incident has its escalation timer again";

  clock_.Advance(absl::Minutes(4) - absl::Seconds(1));
  FireDueTimers();
  EXPECT_THAT(PagesSent(opened.incident_id),
              ElementsAre("triggered 0.0 sink", "repeated 0.1 sink"));
  clock_.Advance(absl::Seconds(1));
  FireDueTimers();
  EXPECT_THAT(PagesSent(opened.incident_id),
              ElementsAre("triggered 0.0 sink", "repeated 0.1 sink", "escalated 1.0 sink"))
      << "from the step it had reached";
}

TEST_F(FlapProtectionTest, TheEscalationClockStopsWhileQuietEvenIfItsTimerHadNotFired) {
  const Decision opened = Decide(Outage("f1", true));
  clock_.Advance(absl::Minutes(5));
  FireDueTimers();
  clock_.Advance(absl::Minutes(1));
  ASSERT_EQ(Decide(Outage("r1", false)).outcome, Outcome::kResolved);
  clock_.Advance(absl::Minutes(1));
  ASSERT_EQ(Decide(Outage("f2", true)).outcome, Outcome::kGrouped);

  clock_.Advance(absl::Minutes(3));  // tier 2's first due time: quiet for 1 min of it
  FireDueTimers();
  EXPECT_THAT(PagesSent(opened.incident_id),
              ElementsAre("triggered 0.0 sink", "repeated 0.1 sink"));
  clock_.Advance(absl::Minutes(1));
  FireDueTimers();
  EXPECT_THAT(PagesSent(opened.incident_id),
              ElementsAre("triggered 0.0 sink", "repeated 0.1 sink", "escalated 1.0 sink"));
}

}  // namespace
}  // namespace sqms::alerts::app::testing
