// IncidentCommands: what people do to an incident — acknowledge, mitigate,
// resolve, close, complete a step — its transitions, refusals and retries
// (drills and silences: drills_and_silences_test.cc).

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/unit/alerts/app/alerts_app_fixture.h"

namespace sqms::alerts::app::testing {
namespace {

using domain::IncidentState;
using ports::IncidentEventKind;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

class IncidentCommandsTest : public AlertsAppTest {
 protected:
  void SetUp() override { id_ = OpenSafety(); }

  ports::Incident Ok(absl::StatusOr<ports::Incident> result) {
    EXPECT_TRUE(result.ok()) << result.status();
    return result.ok() ? *std::move(result) : ports::Incident{};
  }
  void Resolve() { Ok(commands_.Resolve(id_, Ctx("resolve-1"), "fixed")); }

  std::string id_;
};

TEST_F(IncidentCommandsTest, AcknowledgeRecordsWhoWhenAndAtWhichTier) {
  clock_.Advance(absl::Minutes(2));
  ports::Incident i = Ok(commands_.Acknowledge(id_, Ctx("ack-1", "alice"), "on my way"));
  EXPECT_EQ(i.state, IncidentState::kAcknowledged);
  EXPECT_EQ(i.acknowledged_at, kT0 + absl::Minutes(2));
  EXPECT_EQ(i.acknowledged_by, "alice");
  EXPECT_EQ(i.acknowledged_tier, 0);
  EXPECT_EQ(i.next_escalation_at, absl::InfiniteFuture());
  EXPECT_EQ(Incident(id_).version, i.version);
  EXPECT_EQ(store_.Events().back().actor, "alice");
  EXPECT_THAT(store_.EventKinds(id_),
              ElementsAre(IncidentEventKind::kOpened, IncidentEventKind::kAcknowledged));
  EXPECT_THAT(incident_stats_.acknowledged, ElementsAre(id_));
}

// The tier-0 page went out (claimed: attempts > 0); everyone it reached
// learns who has the incident. The notices are not pages: the
// acknowledgement does not cancel them.
TEST_F(IncidentCommandsTest, AcknowledgingTellsTheTiersPagedWhoHasIt) {
  ClaimPending(id_);
  Ok(commands_.Acknowledge(id_, Ctx("ack-1", "alice"), "on my way"));
  EXPECT_THAT(Pages(id_), ElementsAre("triggered 0.0 sink", "triggered 0.0 robot",
                                      "acknowledged 0.0 sink", "acknowledged 0.0 robot"));
  for (const ports::Delivery& d : Deliveries(id_)) {
    if (d.kind != "acknowledged") continue;
    EXPECT_FALSE(d.IsPage());
    auto claim = store_.ClaimDelivery(d.id, clock_.Now());
    ASSERT_TRUE(claim.ok()) << claim.status();
    EXPECT_EQ(claim->kind, ports::DeliveryClaim::Kind::kClaimed) << d.target;
  }
}

// Pages still pending at the acknowledgement are cancelled unsent: their
// tier never heard of the incident and hears nothing of its acknowledgement.
TEST_F(IncidentCommandsTest, AcknowledgingBeforeAnyPageWentOutNotifiesNobody) {
  Ok(commands_.Acknowledge(id_, Ctx("ack-1", "alice"), ""));
  EXPECT_THAT(Pages(id_), ElementsAre("triggered 0.0 sink", "triggered 0.0 robot"));
}

// The dispatcher claims the tier-0 page between the acknowledgement's read
// of the deliveries (unclaimed: it would be cancelled) and its write. The
// write is refused, decided again, and the tier the page reached is told.
TEST_F(IncidentCommandsTest, AnAcknowledgementRacingAPageClaimStillTellsThatTier) {
  store_.BeforeNextWrite([&] { ClaimPending(id_); });
  ports::Incident i = Ok(commands_.Acknowledge(id_, Ctx("ack-1", "alice"), "on my way"));
  EXPECT_EQ(i.state, IncidentState::kAcknowledged);
  EXPECT_THAT(Pages(id_), ElementsAre("triggered 0.0 sink", "triggered 0.0 robot",
                                      "acknowledged 0.0 sink", "acknowledged 0.0 robot"));
  for (const ports::Delivery& d : Deliveries(id_)) {
    if (d.kind != "triggered") continue;
    EXPECT_EQ(d.attempts, 1) << d.target << ": sent, not cancelled";
  }
  EXPECT_THAT(store_.EventKinds(id_),
              ElementsAre(IncidentEventKind::kOpened, IncidentEventKind::kAcknowledged));
}

TEST_F(IncidentCommandsTest, MitigatingATriggeredIncidentTellsTheTiersPagedToo) {
  ClaimPending(id_);
  Ok(commands_.Mitigate(id_, Ctx("mitigate-1", "bob"), "rerouting"));
  EXPECT_THAT(Pages(id_), ElementsAre("triggered 0.0 sink", "triggered 0.0 robot",
                                      "acknowledged 0.0 sink", "acknowledged 0.0 robot"));
}

TEST_F(IncidentCommandsTest, AcknowledgingAnAcknowledgedIncidentIsAFailedPrecondition) {
  Ok(commands_.Acknowledge(id_, Ctx("ack-1"), ""));
  auto again = commands_.Acknowledge(id_, Ctx("ack-2", "bob"), "");
  EXPECT_EQ(again.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(again.status().message(), "cannot acknowledge an acknowledged incident");
  EXPECT_EQ(Incident(id_).acknowledged_by, "alice");
}

TEST_F(IncidentCommandsTest, ARetriedCommandReturnsTheIncidentAndChangesNothing) {
  ports::Incident acked = Ok(commands_.Acknowledge(id_, Ctx("ack-1"), ""));
  const int writes = store_.writes();
  clock_.Advance(absl::Minutes(1));
  // The reply was lost; the client sends the same request again.
  ports::Incident retried = Ok(commands_.Acknowledge(id_, Ctx("ack-1"), ""));
  EXPECT_EQ(retried.version, acked.version);
  EXPECT_EQ(retried.acknowledged_at, acked.acknowledged_at);
  EXPECT_EQ(store_.writes(), writes);
  EXPECT_THAT(incident_stats_.acknowledged, ElementsAre(id_)) << "MTTA observed once";
}

TEST_F(IncidentCommandsTest, ARetriedResolveIsObservedOnce) {
  Resolve();
  ports::Incident retried = Ok(commands_.Resolve(id_, Ctx("resolve-1"), "fixed"));
  EXPECT_EQ(retried.state, IncidentState::kResolved);
  EXPECT_THAT(incident_stats_.resolved, ElementsAre(id_)) << "MTTR observed once";
}

TEST_F(IncidentCommandsTest, ARetryFindsTheIncidentAsItIsNowWithoutError) {
  Ok(commands_.Acknowledge(id_, Ctx("ack-1"), ""));
  Ok(commands_.Mitigate(id_, Ctx("mit-1"), ""));
  ports::Incident retried = Ok(commands_.Acknowledge(id_, Ctx("ack-1"), ""));
  EXPECT_EQ(retried.state, IncidentState::kMitigating);
}

TEST_F(IncidentCommandsTest, MitigatingATriggeredIncidentAcknowledgesItToo) {
  clock_.Advance(absl::Minutes(1));
  ports::Incident i = Ok(commands_.Mitigate(id_, Ctx("mit-1", "bob"), "rerouted"));
  EXPECT_EQ(i.state, IncidentState::kMitigating);
  EXPECT_EQ(i.acknowledged_by, "bob");
  EXPECT_EQ(i.acknowledged_at, kT0 + absl::Minutes(1));
  EXPECT_THAT(IncidentTimers(), IsEmpty()) << "the escalation dies with it";
}

TEST_F(IncidentCommandsTest, MitigatingATriggeredIncidentRecordsAnAcknowledgement) {
  clock_.Advance(absl::Minutes(1));
  ports::Incident i = Ok(commands_.Mitigate(id_, Ctx("mit-1", "bob"), "rerouted"));
  EXPECT_EQ(i.acknowledged_tier, 0);
  EXPECT_THAT(store_.EventKinds(id_),
              ElementsAre(IncidentEventKind::kOpened, IncidentEventKind::kAcknowledged,
                          IncidentEventKind::kMitigating));
  EXPECT_THAT(incident_stats_.acknowledged, ElementsAre(id_)) << "MTTA observed";
  std::vector<std::string> kinds;
  for (const ports::TimelineEntry& e : i.timeline) kinds.push_back(e.kind);
  EXPECT_THAT(kinds, ::testing::IsSupersetOf({"acknowledged", "mitigating"}));

  Ok(commands_.Mitigate(id_, Ctx("mit-1", "bob"), "rerouted"));  // a retry
  EXPECT_THAT(incident_stats_.acknowledged, ElementsAre(id_)) << "observed once";
}

TEST_F(IncidentCommandsTest, MitigatingAnAcknowledgedIncidentKeepsTheAcknowledgement) {
  Ok(commands_.Acknowledge(id_, Ctx("ack-1", "alice"), ""));
  clock_.Advance(absl::Minutes(1));
  ports::Incident i = Ok(commands_.Mitigate(id_, Ctx("mit-1", "bob"), ""));
  EXPECT_EQ(i.acknowledged_by, "alice");
  EXPECT_EQ(i.acknowledged_at, kT0);
  EXPECT_THAT(store_.EventKinds(id_),
              ElementsAre(IncidentEventKind::kOpened, IncidentEventKind::kAcknowledged,
                          IncidentEventKind::kMitigating))
      << "no second acknowledgement";
  EXPECT_THAT(incident_stats_.acknowledged, ElementsAre(id_));
}

TEST_F(IncidentCommandsTest, ResolveSendsResolvedNoticesAndReleasesTheGroup) {
  ClaimPending(id_);  // tier 0's pages went out
  clock_.Advance(absl::Minutes(7));
  ports::Incident i = Ok(commands_.Resolve(id_, Ctx("resolve-1", "carol"), "fixed"));
  EXPECT_EQ(i.state, IncidentState::kResolved);
  EXPECT_EQ(i.resolved_at, kT0 + absl::Minutes(7));
  EXPECT_THAT(Pages(id_), ElementsAre("triggered 0.0 sink", "triggered 0.0 robot",
                                      "resolved 0.0 sink", "resolved 0.0 robot"));
  // The escalation is cancelled; only the wake-up of the alerts it may
  // have inhibited is left.
  EXPECT_THAT(IncidentTimers(),
              ElementsAre(::testing::Pair(UnmuteTimer(id_), kT0 + absl::Minutes(7))));
  EXPECT_EQ(store_.FindGroup("safety|station=S1").value(), "");
  EXPECT_THAT(incident_stats_.resolved, ElementsAre(id_));
}

// Pages still pending at the resolution are cancelled unsent (by their
// claim): their tier hears nothing of the incident, its end included.
TEST_F(IncidentCommandsTest, ResolvingBeforeAnyPageWentOutNotifiesNobody) {
  Ok(commands_.Resolve(id_, Ctx("resolve-1", "carol"), "fixed"));
  EXPECT_THAT(Pages(id_), ElementsAre("triggered 0.0 sink", "triggered 0.0 robot"));
  ClaimPending(id_);
  for (const ports::Delivery& d : Deliveries(id_)) EXPECT_EQ(d.status, "cancelled") << d.target;
}

// As for an acknowledgement: a page claimed between the resolution's read
// and its write went out, so its tier is told the incident ended.
TEST_F(IncidentCommandsTest, AResolutionRacingAPageClaimStillTellsThatTier) {
  store_.BeforeNextWrite([&] { ClaimPending(id_); });
  Ok(commands_.Resolve(id_, Ctx("resolve-1", "carol"), "fixed"));
  EXPECT_THAT(Pages(id_), ElementsAre("triggered 0.0 sink", "triggered 0.0 robot",
                                      "resolved 0.0 sink", "resolved 0.0 robot"));
}

TEST_F(IncidentCommandsTest, ResolvingAResolvedIncidentIsAFailedPrecondition) {
  Resolve();
  auto again = commands_.Resolve(id_, Ctx("resolve-2"), "");
  EXPECT_EQ(again.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(again.status().message(), "cannot resolve a resolved incident");
}

TEST_F(IncidentCommandsTest, AcknowledgingAResolvedIncidentIsAFailedPrecondition) {
  Resolve();
  auto ack = commands_.Acknowledge(id_, Ctx("ack-1"), "");
  EXPECT_EQ(ack.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(ack.status().message(), "cannot acknowledge a resolved incident");
}

TEST_F(IncidentCommandsTest, CloseRequiresAReview) {
  Resolve();
  auto closed = commands_.Close(id_, Ctx("close-1"), "");
  EXPECT_EQ(closed.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(Fields(closed.status()), ElementsAre("review"));
  EXPECT_EQ(Incident(id_).state, IncidentState::kResolved);
}

TEST_F(IncidentCommandsTest, CloseKeepsTheReviewOfAResolvedIncident) {
  Resolve();
  clock_.Advance(absl::Hours(1));
  ports::Incident i = Ok(commands_.Close(id_, Ctx("close-1"), "root cause: power"));
  EXPECT_EQ(i.state, IncidentState::kClosed);
  EXPECT_EQ(i.closed_at, kT0 + absl::Hours(1));
  EXPECT_EQ(i.review, "root cause: power");
  EXPECT_EQ(store_.EventKinds(id_).back(), IncidentEventKind::kClosed);
}

TEST_F(IncidentCommandsTest, ClosingAnUnresolvedIncidentIsAFailedPrecondition) {
  auto closed = commands_.Close(id_, Ctx("close-1"), "too early");
  EXPECT_EQ(closed.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(closed.status().message(), "cannot close a triggered incident");
}

TEST_F(IncidentCommandsTest, CompleteStepRecordsWhoAndWhen) {
  clock_.Advance(absl::Minutes(4));
  ports::Incident i = Ok(commands_.CompleteStep(id_, Ctx("step-1", "dave"), 1));
  EXPECT_FALSE(i.steps[0].done);
  EXPECT_TRUE(i.steps[1].done);
  EXPECT_EQ(i.steps[1].done_at, kT0 + absl::Minutes(4));
  EXPECT_EQ(i.steps[1].done_by, "dave");
  EXPECT_EQ(store_.EventKinds(id_).back(), IncidentEventKind::kStepCompleted);
}

TEST_F(IncidentCommandsTest, CompleteStepOutsideThePlanNamesTheStepField) {
  for (int step : {-1, 2}) {
    auto r = commands_.CompleteStep(id_, Ctx(absl::StrCat("step-", step)), step);
    EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument) << step;
    EXPECT_THAT(Fields(r.status()), ElementsAre("step")) << step;
  }
}

TEST_F(IncidentCommandsTest, ARefusedStepOrUnknownIncidentLeavesTheRequestIdForTheCorrectedOne) {
  auto bad_step = commands_.CompleteStep(id_, Ctx("req-1"), 7);
  ASSERT_EQ(bad_step.status().code(), absl::StatusCode::kInvalidArgument);
  auto unknown = commands_.CompleteStep("inc-none", Ctx("req-1"), 1);
  ASSERT_EQ(unknown.status().code(), absl::StatusCode::kNotFound);

  ports::Incident i = Ok(commands_.CompleteStep(id_, Ctx("req-1"), 1));
  EXPECT_TRUE(i.steps[1].done);
  // Now bound: the same id with another step is another command.
  auto other = commands_.CompleteStep(id_, Ctx("req-1"), 0);
  EXPECT_EQ(other.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(Fields(other.status()), ElementsAre("request_id"));
}

TEST_F(IncidentCommandsTest, CompletingADoneStepIsAFailedPrecondition) {
  Ok(commands_.CompleteStep(id_, Ctx("step-a"), 0));
  auto again = commands_.CompleteStep(id_, Ctx("step-b"), 0);
  EXPECT_EQ(again.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(again.status().message(), HasSubstr("already done"));
}

TEST_F(IncidentCommandsTest, ACommandWithoutARequestIdNamesTheField) {
  auto r = commands_.Acknowledge(id_, Ctx(""), "");
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(Fields(r.status()), ElementsAre("request_id"));
}

TEST_F(IncidentCommandsTest, AnUnknownIncidentIsNotFound) {
  EXPECT_EQ(commands_.Acknowledge("inc-none", Ctx("ack-1"), "").status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(commands_.Get("inc-none").status().code(), absl::StatusCode::kNotFound);
}

// Review finding 9: the 500-entry cap dropped the oldest entries after
// "opened" — with a mass delay's hundreds of joined complaints, exactly who
// was paged, who acknowledged and the steps the closing review is written
// from. Joined alerts make room first.
TEST_F(IncidentCommandsTest, ATimelineFullOfJoinedAlertsKeepsItsLifecycleEntries) {
  Ok(commands_.Acknowledge(id_, Ctx("ack-1", "alice"), "on my way"));
  Ok(commands_.CompleteStep(id_, Ctx("step-1"), 0));
  Ok(commands_.AddNote(id_, Ctx("note-1"), "platform 3 closed"));
  for (int n = 0; n < 600; ++n) {
    clock_.Advance(absl::Seconds(1));
    ASSERT_EQ(Decide(Safety(absl::StrCat("join-", n), "S1", absl::StrCat("c-j", n))).outcome,
              Outcome::kGrouped);
  }

  const ports::Incident i = Incident(id_);
  EXPECT_EQ(i.timeline.size(), 500u);
  std::vector<std::string> lifecycle;
  int alerts = 0;
  for (const ports::TimelineEntry& e : i.timeline) {
    if (e.kind == "alert") {
      ++alerts;
    } else {
      lifecycle.push_back(e.kind);
    }
  }
  EXPECT_THAT(lifecycle, ElementsAre("opened", "notified", "acknowledged", "step", "note"));
  EXPECT_EQ(alerts, 495);
  EXPECT_EQ(i.timeline.back().at, kT0 + absl::Seconds(600)) << "the newest alerts are kept";
  EXPECT_EQ(i.timeline[5].at, kT0 + absl::Seconds(106)) << "the oldest 105 made room";
}

// With no alert entry left to drop, the oldest entry after "opened" goes.
TEST_F(IncidentCommandsTest, ATimelineOfLifecycleEntriesOnlyDropsTheOldestAfterOpened) {
  for (int n = 0; n < 600; ++n) {
    Ok(commands_.AddNote(id_, Ctx(absl::StrCat("note-", n)), absl::StrCat("note ", n)));
  }
  const ports::Incident i = Incident(id_);
  ASSERT_EQ(i.timeline.size(), 500u);
  EXPECT_EQ(i.timeline[0].kind, "opened");
  EXPECT_EQ(i.timeline[1].text, "note 101");
  EXPECT_EQ(i.timeline.back().text, "note 599");
}

}  // namespace
}  // namespace sqms::alerts::app::testing
