// Escalator: the escalation and ack-expiry timers, fired the way the
// durable timers fire them, with a FakeClock. Plan "safety": tier 0 for 5
// min with one repeat, tier 1 for 10 min, ack_expiry 30 min — and changed
// through UpsertPlan while its incident is open.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <functional>

#include "services/alerts/app/plan_changes.h"
#include "services/alerts/codec/plan_codec.h"
#include "tests/unit/alerts/app/alerts_app_fixture.h"

namespace sqms::alerts::app::testing {
namespace {

using ports::IncidentEventKind;
using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::Pair;

class EscalatorTest : public AlertsAppTest {
 protected:
  // With the risk and targets of its plans: EscalatorPlanChangeTest changes
  // them through PlanChanges, which validates against them.
  EscalatorTest() : AlertsAppTest(ConfiguredCatalog()) {}
  void SetUp() override { id_ = OpenSafety(); }
  std::string Esc(int seq) const { return absl::StrCat("esc|", id_, "|", seq); }
  std::string id_;
};

TEST_F(EscalatorTest, NothingIsDueBeforeTheAckTimeout) {
  clock_.Advance(absl::Minutes(5) - absl::Seconds(1));
  EXPECT_EQ(FireDueTimers(), 0);
  EXPECT_THAT(Pages(id_), ElementsAre("triggered 0.0 sink", "triggered 0.0 robot"));
}

TEST_F(EscalatorTest, AnUnacknowledgedTierIsPagedAgainWhileItHasRepeats) {
  clock_.Advance(absl::Minutes(5));
  EXPECT_EQ(FireDueTimers(), 1);
  EXPECT_THAT(Pages(id_), ElementsAre("triggered 0.0 sink", "triggered 0.0 robot",
                                      "repeated 0.1 sink", "repeated 0.1 robot"));
  EXPECT_THAT(IncidentTimers(), ElementsAre(Pair(Esc(1), kT0 + absl::Minutes(10))));
  EXPECT_EQ(Incident(id_).step, (domain::EscalationStep{0, 1}));
  EXPECT_THAT(store_.EventKinds(id_),
              ElementsAre(IncidentEventKind::kOpened, IncidentEventKind::kEscalated));
}

TEST_F(EscalatorTest, AfterItsRepeatsTheNextTierIsPaged) {
  clock_.Advance(absl::Minutes(5));
  ASSERT_EQ(FireDueTimers(), 1);
  clock_.Advance(absl::Minutes(5));
  ASSERT_EQ(FireDueTimers(), 1);

  std::vector<ports::Delivery> all = Deliveries(id_);
  ASSERT_EQ(all.size(), 5u);
  EXPECT_EQ(all[4].kind, "escalated");
  EXPECT_EQ(all[4].tier, 1);
  EXPECT_EQ(all[4].target, "sink");
  EXPECT_THAT(all[4].recipients, ElementsAre("second"));
  EXPECT_EQ(all[4].created_at, kT0 + absl::Minutes(10));
}

// Paging goes on "until someone acknowledges" (docs/alerts.md): past the
// chain's end the last tier is paged again every its ack_timeout.
TEST_F(EscalatorTest, AfterTheEndOfTheChainTheLastTierIsPagedAgainEveryItsAckTimeout) {
  clock_.Advance(absl::Minutes(5));
  ASSERT_EQ(FireDueTimers(), 1);
  clock_.Advance(absl::Minutes(5));
  ASSERT_EQ(FireDueTimers(), 1);  // tier 1, the last, with no repeats: the chain's end
  ports::Incident i = Incident(id_);
  EXPECT_EQ(i.next_escalation_at, kT0 + absl::Minutes(20));
  EXPECT_THAT(IncidentTimers(), ElementsAre(Pair(Esc(i.escalation_seq), kT0 + absl::Minutes(20))));

  clock_.Advance(absl::Minutes(10));
  EXPECT_EQ(FireDueTimers(), 1);
  EXPECT_EQ(Pages(id_).back(), "repeated 1.0 sink");
  EXPECT_EQ(Incident(id_).step, (domain::EscalationStep{1, 0}));
  EXPECT_EQ(Incident(id_).timeline.back().text,
            "no acknowledgement: tier 2 again (the chain has ended: paging the last tier until "
            "someone acknowledges)");
  EXPECT_EQ(Incident(id_).next_escalation_at, kT0 + absl::Minutes(30));
}

// The review's scenario: one tier, repeats 0, ack_timeout 5 min (plan
// "manual"). Pages at +5 min, +10 min and, with the timer fired late, at
// +60 min; after an acknowledgement none.
TEST_F(EscalatorTest, APlanOfOneTierWithoutRepeatsPagesUntilAcknowledged) {
  Decision d = Decide(WithLabels("m1", {{"alertname", "Manual"}}, kT0));
  ASSERT_EQ(d.outcome, Outcome::kOpened);
  const std::string id = d.incident_id;
  EXPECT_EQ(Incident(id).next_escalation_at, kT0 + absl::Minutes(5));

  std::vector<std::string> pages;
  for (absl::Duration at : {absl::Minutes(5), absl::Minutes(10), absl::Minutes(60)}) {
    clock_.Advance(kT0 + at - clock_.Now());
    FireDueTimers();  // the "safety" incident of SetUp escalates too
    const ports::Delivery last = Deliveries(id).back();
    pages.push_back(
        absl::StrCat(last.kind, " ", last.tier, " +", absl::ToInt64Minutes(last.created_at - kT0)));
  }
  EXPECT_THAT(pages, ElementsAre("repeated 0 +5", "repeated 0 +10", "repeated 0 +60"));
  EXPECT_EQ(Deliveries(id).size(), 4u) << "the opening page and three repeats";

  ASSERT_TRUE(commands_.Acknowledge(id, Ctx("ack-m1"), "on it").ok());
  for (int minutes = 0; minutes < 60; ++minutes) {
    clock_.Advance(absl::Minutes(1));
    FireDueTimers();
  }
  EXPECT_EQ(Deliveries(id).size(), 4u) << "nothing paged after the acknowledgement";
  EXPECT_EQ(Incident(id).next_escalation_at, absl::InfiniteFuture());
}

TEST_F(EscalatorTest, ATimerFiredTwiceDoesNothingTheSecondTime) {
  clock_.Advance(absl::Minutes(5));
  ASSERT_TRUE(escalator_.OnTimer(Esc(0)).ok());
  const int writes = store_.writes();
  // A crash between the effect and the timer's completion fires it again.
  EXPECT_TRUE(escalator_.OnTimer(Esc(0)).ok());
  EXPECT_EQ(store_.writes(), writes);
  EXPECT_EQ(Deliveries(id_).size(), 4u);
}

TEST_F(EscalatorTest, AfterAnAcknowledgementTheEscalationDoesNothing) {
  clock_.Advance(absl::Minutes(2));
  ASSERT_TRUE(commands_.Acknowledge(id_, Ctx("ack-1"), "on it").ok());
  EXPECT_EQ(IncidentTimers().count(Esc(0)), 0u) << "the acknowledgement cancels it";

  // A timer claimed just before the acknowledgement still fires.
  clock_.Advance(absl::Minutes(3));
  const int writes = store_.writes();
  EXPECT_TRUE(escalator_.OnTimer(Esc(0)).ok());
  EXPECT_EQ(store_.writes(), writes);
  EXPECT_EQ(Deliveries(id_).size(), 2u);
}

TEST_F(EscalatorTest, AnAcknowledgementSchedulesItsExpiry) {
  clock_.Advance(absl::Minutes(2));
  auto acked = commands_.Acknowledge(id_, Ctx("ack-1"), "on it");
  ASSERT_TRUE(acked.ok()) << acked.status();
  EXPECT_THAT(IncidentTimers(),
              ElementsAre(Pair(absl::StrCat("ackx|", id_, "|", acked->escalation_seq),
                               kT0 + absl::Minutes(32))));
}

TEST_F(EscalatorTest, AnExpiredAcknowledgementReturnsTheIncidentToTriggeredAndPagesAgain) {
  clock_.Advance(absl::Minutes(2));
  ASSERT_TRUE(commands_.Acknowledge(id_, Ctx("ack-1"), "on it").ok());
  clock_.Advance(absl::Minutes(30));
  EXPECT_EQ(FireDueTimers(), 1);

  ports::Incident i = Incident(id_);
  EXPECT_EQ(i.state, domain::IncidentState::kTriggered);
  EXPECT_THAT(Pages(id_), ElementsAre("triggered 0.0 sink", "triggered 0.0 robot",
                                      "repeated 0.0 sink", "repeated 0.0 robot"));
  EXPECT_THAT(IncidentTimers(), ElementsAre(Pair(absl::StrCat("esc|", id_, "|", i.escalation_seq),
                                                 kT0 + absl::Minutes(37))));
}

// A paging incident must not show someone as holding it: the expired
// acknowledgement is history (the timeline), not the current one.
TEST_F(EscalatorTest, AnExpiredAcknowledgementIsNoLongerTheCurrentOne) {
  clock_.Advance(absl::Minutes(2));
  ASSERT_TRUE(commands_.Acknowledge(id_, Ctx("ack-1", "alice"), "on it").ok());
  clock_.Advance(absl::Minutes(30));
  ASSERT_EQ(FireDueTimers(), 1);

  ports::Incident i = Incident(id_);
  EXPECT_EQ(i.state, domain::IncidentState::kTriggered);
  EXPECT_EQ(i.acknowledged_at, absl::InfinitePast());
  EXPECT_EQ(i.acknowledged_by, "");
  EXPECT_EQ(i.acknowledged_tier, -1);
  std::vector<std::string> history;
  for (const ports::TimelineEntry& e : i.timeline) {
    if (e.kind == "acknowledged" || e.kind == "ack-expired") {
      history.push_back(
          absl::StrCat(e.kind, " ", e.actor, " +", absl::ToInt64Minutes(e.at - kT0), "m"));
    }
  }
  EXPECT_THAT(history, ElementsAre("acknowledged alice +2m", "ack-expired system +32m"));

  // The next acknowledgement is the current one again.
  auto again = commands_.Acknowledge(id_, Ctx("ack-2", "bob"), "");
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(again->acknowledged_at, kT0 + absl::Minutes(32));
  EXPECT_EQ(again->acknowledged_by, "bob");
  // MTTA counts the incident once, at its first acknowledgement (+2m), as
  // the metrics service's mtta KPI does — not again for bob's.
  EXPECT_THAT(incident_stats_.acknowledged, ElementsAre(id_));
}

TEST_F(EscalatorTest, AnAlertJoiningAnAcknowledgedIncidentKeepsItsAckExpiry) {
  ASSERT_TRUE(commands_.Acknowledge(id_, Ctx("ack-1"), "").ok());
  clock_.Advance(absl::Minutes(10));
  ASSERT_EQ(Decide(Safety("a2", "S1", "c-2")).outcome, Outcome::kGrouped);
  ASSERT_TRUE(commands_.AddNote(id_, Ctx("note-1"), "still looking").ok());
  clock_.Advance(absl::Minutes(20));
  EXPECT_EQ(FireDueTimers(), 1);
  EXPECT_EQ(Incident(id_).state, domain::IncidentState::kTriggered)
      << "more alerts or a note are no reason to stop the acknowledgement expiring";
}

// Another replica's change between the expiry's read and its write (a note,
// a joined alert) is no reason to drop it: the timer is done once its
// handler returns OK, so a lost write would leave the incident acknowledged
// for good, paging nobody.
TEST_F(EscalatorTest, AnAckExpiryRacingAnotherChangeStillExpires) {
  ASSERT_TRUE(commands_.Acknowledge(id_, Ctx("ack-1"), "").ok());
  clock_.Advance(absl::Minutes(30));
  store_.BeforeNextWrite(
      [&] { ASSERT_TRUE(commands_.AddNote(id_, Ctx("note-1"), "still looking").ok()); });
  EXPECT_EQ(FireDueTimers(), 1);
  EXPECT_EQ(Incident(id_).state, domain::IncidentState::kTriggered);
  EXPECT_THAT(Pages(id_), ElementsAre("triggered 0.0 sink", "triggered 0.0 robot",
                                      "repeated 0.0 sink", "repeated 0.0 robot"));
}

TEST_F(EscalatorTest, AnAckExpiryFiredAgainAfterANewAcknowledgementDoesNothing) {
  ASSERT_TRUE(commands_.Acknowledge(id_, Ctx("ack-1"), "").ok());
  const std::string expiry = IncidentTimers().begin()->first;
  clock_.Advance(absl::Minutes(30));
  ASSERT_TRUE(escalator_.OnTimer(expiry).ok());  // reopened; the completion is lost
  ASSERT_EQ(Incident(id_).state, domain::IncidentState::kTriggered);
  clock_.Advance(absl::Minutes(1));
  ASSERT_TRUE(commands_.Acknowledge(id_, Ctx("ack-2"), "").ok());

  EXPECT_TRUE(escalator_.OnTimer(expiry).ok());
  EXPECT_EQ(Incident(id_).state, domain::IncidentState::kAcknowledged)
      << "the new acknowledgement has its own expiry";
}

TEST_F(EscalatorTest, AnAcknowledgementExpiryAfterMitigationDoesNothing) {
  ASSERT_TRUE(commands_.Acknowledge(id_, Ctx("ack-1"), "").ok());
  ASSERT_TRUE(commands_.Mitigate(id_, Ctx("mit-1"), "").ok());
  clock_.Advance(absl::Minutes(30));
  const int writes = store_.writes();
  EXPECT_EQ(FireDueTimers(), 1);
  EXPECT_EQ(store_.writes(), writes);
  EXPECT_EQ(Incident(id_).state, domain::IncidentState::kMitigating);
}

// Plans changed through UpsertPlan while an incident is open: the escalation
// goes on by the plan in force, from the step the incident reached.
class EscalatorPlanChangeTest : public EscalatorTest {
 protected:
  // Upserts "safety" as `change` makes it, in force at once in catalog_.
  void ChangeSafety(const std::function<void(domain::Plan&)>& change) {
    domain::Plan plan = *catalog_.Snapshot()->FindPlan("safety");
    change(plan);
    auto stored = plans_.Upsert(plan, plan.version);
    ASSERT_TRUE(stored.ok()) << stored.status();
  }
  PlanChanges plans_{store_, catalog_, &codec::PlanFingerprint};
};

TEST_F(EscalatorPlanChangeTest, FewerRepeatsOfTheCurrentTierMoveOnToTheNextTier) {
  clock_.Advance(absl::Minutes(5));
  ASSERT_EQ(FireDueTimers(), 1);  // tier 0 paged twice: step 0.1
  ChangeSafety([](domain::Plan& p) { p.escalation[0].repeats = 0; });

  clock_.Advance(absl::Minutes(5));
  EXPECT_EQ(FireDueTimers(), 1);
  EXPECT_THAT(Pages(id_), ElementsAre("triggered 0.0 sink", "triggered 0.0 robot",
                                      "repeated 0.1 sink", "repeated 0.1 robot",
                                      "escalated 1.0 sink"));
  ports::Incident i = Incident(id_);
  EXPECT_EQ(i.state, domain::IncidentState::kTriggered);
  EXPECT_EQ(i.step, (domain::EscalationStep{1, 0}));
  EXPECT_THAT(IncidentTimers(), ElementsAre(Pair(Esc(i.escalation_seq), kT0 + absl::Minutes(20))))
      << "the end of the new chain: its last tier again after its ack_timeout";
}

TEST_F(EscalatorPlanChangeTest, ATierRemovedFromTheChainIsReplacedByTheLastOneAndPagedAgain) {
  clock_.Advance(absl::Minutes(5));
  ASSERT_EQ(FireDueTimers(), 1);  // step 0.1, tier 1 due at +10 min
  ChangeSafety([](domain::Plan& p) {
    p.escalation.resize(1);
    p.escalation[0].repeats = 0;
  });
  clock_.Advance(absl::Minutes(5));
  EXPECT_EQ(FireDueTimers(), 1);
  EXPECT_THAT(Pages(id_), ElementsAre("triggered 0.0 sink", "triggered 0.0 robot",
                                      "repeated 0.1 sink", "repeated 0.1 robot",
                                      "repeated 0.0 sink", "repeated 0.0 robot"));
  EXPECT_EQ(Incident(id_).next_escalation_at, kT0 + absl::Minutes(15))
      << "and again after its ack_timeout, until someone acknowledges";
}

TEST_F(EscalatorPlanChangeTest, AnExpiredAcknowledgementPagesTheTierMappedOntoTheNewChain) {
  clock_.Advance(absl::Minutes(5));
  ASSERT_EQ(FireDueTimers(), 1);
  clock_.Advance(absl::Minutes(5));
  ASSERT_EQ(FireDueTimers(), 1);  // tier 1
  ASSERT_TRUE(commands_.Acknowledge(id_, Ctx("ack-1"), "").ok());
  ChangeSafety([](domain::Plan& p) { p.escalation.resize(1); });  // tier 0, one repeat

  clock_.Advance(absl::Minutes(30));
  EXPECT_EQ(FireDueTimers(), 1);
  ports::Incident i = Incident(id_);
  EXPECT_EQ(i.state, domain::IncidentState::kTriggered);
  EXPECT_EQ(i.step, (domain::EscalationStep{0, 0}));
  EXPECT_EQ(Pages(id_).back(), "repeated 0.0 robot");
  EXPECT_THAT(IncidentTimers(), ElementsAre(Pair(absl::StrCat("esc|", id_, "|", i.escalation_seq),
                                                 kT0 + absl::Minutes(45))))
      << "and escalates on by the new chain";
}

// Review finding 12: "resolved" went to every tier up to the incident's
// step, also to a tier whose pages an acknowledgement cancelled before
// they were sent — telling people of the end of an incident they never
// heard of. Only the tiers actually paged get it.
TEST_F(EscalatorTest, ResolvedNoticesGoOnlyToTheTiersActuallyPaged) {
  // The dispatcher sends what is due: claiming a page counts its attempt.
  ClaimPending(id_);  // tier 0
  clock_.Advance(absl::Minutes(5));
  ASSERT_EQ(FireDueTimers(), 1);  // tier 0 again
  ClaimPending(id_);
  clock_.Advance(absl::Minutes(5));
  ASSERT_EQ(FireDueTimers(), 1);  // tier 1 decided, not yet claimed
  ASSERT_EQ(Pages(id_).back(), "escalated 1.0 sink");
  const std::string tier1 = Deliveries(id_).back().id;
  ASSERT_TRUE(commands_.Acknowledge(id_, Ctx("ack-1"), "on it").ok());
  auto claim = store_.ClaimDelivery(tier1, clock_.Now());
  ASSERT_TRUE(claim.ok());
  ASSERT_EQ(claim->kind, ports::DeliveryClaim::Kind::kCancelled) << "tier 1 was never reached";

  ASSERT_TRUE(commands_.Resolve(id_, Ctx("resolve-1"), "fixed").ok());
  std::vector<std::string> resolved;
  for (const std::string& page : Pages(id_)) {
    if (page.starts_with("resolved")) resolved.push_back(page);
  }
  EXPECT_THAT(resolved, ElementsAre("resolved 0.0 sink", "resolved 0.0 robot"));
  // So was the acknowledgement: tier 0 heard of it, tier 1 did not.
  std::vector<std::string> acknowledged;
  for (const std::string& page : Pages(id_)) {
    if (page.starts_with("acknowledged")) acknowledged.push_back(page);
  }
  EXPECT_THAT(acknowledged, ElementsAre("acknowledged 0.0 sink", "acknowledged 0.0 robot"));
}

// Tier 0's pages went out; tier 1's were decided but not yet claimed when
// the resolution landed: they are cancelled unsent, so tier 1 never heard
// of the incident and is not told of its end (IncidentCommandsTest has the
// claim racing the resolution).
TEST_F(EscalatorTest, OnlyTheTiersAPageReachedAreToldOfTheResolution) {
  clock_.Advance(absl::Minutes(5));
  ASSERT_EQ(FireDueTimers(), 1);
  ClaimPending(id_);  // tier 0's pages go out
  clock_.Advance(absl::Minutes(5));
  ASSERT_EQ(FireDueTimers(), 1);  // tier 1 decided, nothing claimed yet
  ASSERT_TRUE(commands_.Resolve(id_, Ctx("resolve-1"), "fixed").ok());
  std::vector<std::string> resolved;
  for (const std::string& page : Pages(id_)) {
    if (page.starts_with("resolved")) resolved.push_back(page);
  }
  EXPECT_THAT(resolved, ElementsAre("resolved 0.0 sink", "resolved 0.0 robot"));
  ClaimPending(id_);
  for (const ports::Delivery& d : Deliveries(id_)) {
    if (d.tier != 1 || !d.IsPage()) continue;
    EXPECT_EQ(d.status, "cancelled") << d.target;
  }
}

TEST_F(EscalatorTest, UnknownTimerIdsAreDroppedWithoutError) {
  EXPECT_TRUE(escalator_.OnTimer("other|x|1").ok());
  EXPECT_TRUE(escalator_.OnTimer("esc|no-such-incident|0").ok());
  EXPECT_TRUE(escalator_.OnTimer("esc|malformed").ok());
}

}  // namespace
}  // namespace sqms::alerts::app::testing
