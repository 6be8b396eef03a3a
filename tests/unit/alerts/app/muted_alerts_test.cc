// Kept muted alerts (alert_processor.h): a firing alert from a source that
// sends it once (Kafka events, RaiseAlert), muted by a silence, a
// maintenance window or an inhibiting incident, is decided again when the
// mute ends — and dropped when it resolves first.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <utility>

#include "tests/unit/alerts/app/alerts_app_fixture.h"

namespace sqms::alerts::app::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::SizeIs;

class MutedAlertsTest : public AlertsAppTest {
 protected:
  // A complaint event of category safety at S1, delivered once.
  domain::Alert Event(const std::string& id = "evt-1") const { return Safety(id, "S1", "c-1"); }
  std::string Fingerprint() const { return domain::Fingerprint(Event().labels); }
  std::string MutedTimer() const { return absl::StrCat("muted|", Fingerprint()); }

  // Opens an outage incident at S1: it inhibits S1's complaint alerts.
  std::string OpenOutage() {
    Decision d = Decide(WithLabels("o1", {{"alertname", "SqmsDown"}, {"station", "S1"}}, kT0));
    EXPECT_EQ(d.outcome, Outcome::kOpened);
    return d.incident_id;
  }
  std::string Silence(absl::Time ends_at, std::optional<domain::Recurrence> recurrence = {}) {
    domain::Silence s;
    s.matchers = {M("station", "=", "S1")};
    s.ends_at = ends_at;
    s.recurrence = std::move(recurrence);
    auto created =
        commands_.CreateSilence(s, Ctx(absl::StrCat("sil-", absl::ToUnixMillis(ends_at))));
    EXPECT_TRUE(created.ok()) << created.status();
    return created.ok() ? created->id : "";
  }
  std::vector<ports::Incident> ActiveSafety() {
    return store_
        .List({.active_only = true, .plan_id = "safety", .limit = 10, .after = std::nullopt})
        .value();
  }
  std::vector<ports::MutedAlert> Kept() { return store_.ListMuted().value(); }
  // Fires due timers until none is due (a wake-up makes another due now).
  void FireUntilQuiet() {
    for (int pass = 0; pass < 5 && FireDueTimers() > 0; ++pass) {
    }
  }
};

TEST_F(MutedAlertsTest, AnInhibitedEventOpensItsIncidentOnceTheInhibitingIncidentResolves) {
  const std::string outage = OpenOutage();
  Decision d = Decide(Event());
  ASSERT_EQ(d.outcome, Outcome::kInhibited);
  ASSERT_THAT(Kept(), SizeIs(1));
  EXPECT_EQ(Kept()[0].mutes[0].inhibited_by, outage);
  EXPECT_EQ(store_.Timers().count(MutedTimer()), 0u) << "no end known: the resolution wakes it";

  FireUntilQuiet();
  EXPECT_THAT(ActiveSafety(), IsEmpty()) << "still inhibited";

  ASSERT_TRUE(commands_.Resolve(outage, Ctx("res-1"), "back").ok());
  FireUntilQuiet();

  std::vector<ports::Incident> opened = ActiveSafety();
  ASSERT_THAT(opened, SizeIs(1)) << "the event is never delivered again: it opens now";
  EXPECT_THAT(Kept(), IsEmpty());
  EXPECT_EQ(store_.Timers().count(MutedTimer()), 0u);
  ProcessResult redelivered = Process(Event());
  EXPECT_TRUE(redelivered.replayed) << "the recorded answer is the new one";
  ASSERT_THAT(redelivered.decisions, SizeIs(1));
  EXPECT_EQ(redelivered.decisions[0].outcome, Outcome::kOpened);
  EXPECT_EQ(redelivered.decisions[0].incident_id, opened[0].id);
  EXPECT_THAT(alert_stats_.decided,
              ElementsAre(Outcome::kOpened, Outcome::kInhibited, Outcome::kOpened));
}

TEST_F(MutedAlertsTest, ASilencedEventOpensItsIncidentWhenTheSilenceEnds) {
  Silence(kT0 + absl::Hours(1));
  ASSERT_EQ(Decide(Event()).outcome, Outcome::kSilenced);
  EXPECT_EQ(store_.Timers().at(MutedTimer()), kT0 + absl::Hours(1));

  clock_.Advance(absl::Minutes(59));
  FireUntilQuiet();
  EXPECT_THAT(ActiveSafety(), IsEmpty());
  clock_.Advance(absl::Minutes(1));
  FireUntilQuiet();
  EXPECT_THAT(ActiveSafety(), SizeIs(1));
  EXPECT_THAT(Kept(), IsEmpty());
}

TEST_F(MutedAlertsTest, ASilenceExpiredEarlyWakesItsEventsAtOnce) {
  const std::string silence = Silence(absl::InfiniteFuture());
  ASSERT_EQ(Decide(Event()).outcome, Outcome::kSilenced);
  EXPECT_EQ(store_.Timers().count(MutedTimer()), 0u) << "a silence without end";

  clock_.Advance(absl::Minutes(10));
  ASSERT_TRUE(commands_.ExpireSilence(silence).ok());
  FireUntilQuiet();
  EXPECT_THAT(ActiveSafety(), SizeIs(1));
}

TEST_F(MutedAlertsTest, ARetriedExpiryWakesWhatAnAttemptThatFailedAfterItsWriteLeftMuted) {
  const std::string silence_id = Silence(absl::InfiniteFuture());
  ASSERT_EQ(Decide(Event()).outcome, Outcome::kSilenced);
  clock_.Advance(absl::Minutes(10));
  // The first attempt wrote the end, then lost Redis before its wake-ups.
  std::vector<domain::Silence> stored = store_.ListSilences().value();
  ASSERT_THAT(stored, SizeIs(1));
  stored[0].ends_at = clock_.Now();
  ASSERT_TRUE(store_.PutSilence(stored[0]).ok());
  FireUntilQuiet();
  ASSERT_THAT(ActiveSafety(), IsEmpty()) << "no timer: the silence had no end";

  auto retried = commands_.ExpireSilence(silence_id);
  ASSERT_TRUE(retried.ok()) << retried.status();
  EXPECT_EQ(retried->ends_at, clock_.Now()) << "the end the first attempt wrote";
  FireUntilQuiet();
  EXPECT_THAT(ActiveSafety(), SizeIs(1));
  EXPECT_THAT(Kept(), IsEmpty());
}

TEST_F(MutedAlertsTest, AMaintenanceWindowWakesItsEventsWhenTheWindowCloses) {
  // Every day 20:00–21:00 UTC; kT0 is 20:26:40.
  Silence(absl::InfiniteFuture(), domain::Recurrence{{}, 20 * 60, absl::Hours(1)});
  ASSERT_EQ(Decide(Event()).outcome, Outcome::kSilenced);
  const absl::Time closes = kT0 + absl::Seconds(33 * 60 + 20);
  EXPECT_EQ(store_.Timers().at(MutedTimer()), closes);

  clock_.Advance(closes - kT0);
  FireUntilQuiet();
  EXPECT_THAT(ActiveSafety(), SizeIs(1));
}

TEST_F(MutedAlertsTest, AnEventStillMutedBySomethingElseStaysKept) {
  const std::string outage = OpenOutage();
  Silence(kT0 + absl::Hours(1));
  ASSERT_EQ(Decide(Event()).outcome, Outcome::kSilenced);

  clock_.Advance(absl::Hours(1));
  FireUntilQuiet();
  EXPECT_THAT(ActiveSafety(), IsEmpty());
  ASSERT_THAT(Kept(), SizeIs(1));
  EXPECT_EQ(Kept()[0].mutes[0].inhibited_by, outage) << "the outage still inhibits it";

  ASSERT_TRUE(commands_.Resolve(outage, Ctx("res-1"), "back").ok());
  FireUntilQuiet();
  EXPECT_THAT(ActiveSafety(), SizeIs(1));
}

TEST_F(MutedAlertsTest, AResolutionWhileKeptDropsTheEvent) {
  Silence(kT0 + absl::Hours(1));
  ASSERT_EQ(Decide(Event()).outcome, Outcome::kSilenced);
  EXPECT_EQ(Decide(Resolved(Event(), "evt-2")).outcome, Outcome::kNoIncident);
  EXPECT_THAT(Kept(), IsEmpty());
  EXPECT_EQ(store_.Timers().count(MutedTimer()), 0u);

  clock_.Advance(absl::Hours(2));
  FireUntilQuiet();
  EXPECT_THAT(store_.List({}).value(), IsEmpty()) << "nothing opens for a breach that is over";
}

TEST_F(MutedAlertsTest, AResolutionRacingTheDecisionResolvesWhatItOpened) {
  Silence(kT0 + absl::Hours(1));
  ASSERT_EQ(Decide(Event()).outcome, Outcome::kSilenced);
  clock_.Advance(absl::Hours(1));
  // The resolution lands between the timer's read and its incident write.
  store_.BeforeNextWrite([this] { (void)processor_.Process(Resolved(Event(), "evt-2")); });
  FireUntilQuiet();

  EXPECT_THAT(ActiveSafety(), IsEmpty());
  EXPECT_THAT(Kept(), IsEmpty());
}

// Silenced and inhibited; the silence ends and the alert, still inhibited,
// is kept again — while its resolution drops it. The resolution stays
// final: when the outage resolves, nothing opens for a breach that is over.
TEST_F(MutedAlertsTest, AResolutionRacingAKeepAgainStaysFinal) {
  const std::string outage = OpenOutage();
  Silence(kT0 + absl::Hours(1));
  ASSERT_EQ(Decide(Event()).outcome, Outcome::kSilenced);
  clock_.Advance(absl::Hours(1));
  store_.BeforeNextKeep([this] {
    EXPECT_EQ(processor_.Process(Resolved(Event(), "evt-2")).value().decisions[0].outcome,
              Outcome::kNoIncident);
  });
  FireUntilQuiet();
  EXPECT_THAT(Kept(), IsEmpty()) << "the resolution dropped it";

  ASSERT_TRUE(commands_.Resolve(outage, Ctx("res-1"), "back").ok());
  FireUntilQuiet();
  EXPECT_THAT(ActiveSafety(), IsEmpty()) << "nothing opens for a breach that is over";
}

// The firing event and its resolution reach two replicas at once: the
// resolution is handled between the firing one's decision (silenced) and
// its keep. It dropped nothing (nothing was kept yet); the keep must not
// bring back a firing it ended.
TEST_F(MutedAlertsTest, AResolutionRacingTheFirstKeepStaysFinal) {
  Silence(kT0 + absl::Hours(1));
  store_.BeforeNextKeep([this] {
    EXPECT_EQ(processor_.Process(Resolved(Event(), "evt-2")).value().decisions[0].outcome,
              Outcome::kNoIncident);
  });
  ASSERT_EQ(Decide(Event()).outcome, Outcome::kSilenced);
  EXPECT_THAT(Kept(), IsEmpty()) << "ended by its resolution";
  clock_.Advance(absl::Hours(1));
  FireUntilQuiet();
  EXPECT_THAT(ActiveSafety(), IsEmpty()) << "nothing opens for a breach that is over";
}

// A resolution ends the firings that started before it, not a new one.
TEST_F(MutedAlertsTest, AnAlertFiringAgainAfterItsResolutionIsKept) {
  Silence(kT0 + absl::Hours(1));
  ASSERT_EQ(Decide(Event()).outcome, Outcome::kSilenced);
  Process(Resolved(Event(), "evt-2"));
  ASSERT_THAT(Kept(), IsEmpty());
  clock_.Advance(absl::Minutes(10));
  ASSERT_EQ(Decide(Event("evt-3")).outcome, Outcome::kSilenced);
  EXPECT_THAT(Kept(), SizeIs(1));
  clock_.Advance(absl::Minutes(50));
  FireUntilQuiet();
  EXPECT_THAT(ActiveSafety(), SizeIs(1)) << "the new firing opens once its silence ends";
}

// The kept copy is decided again (its silence over) while its resolution
// drops it and a newer firing of the same labels is kept, muted by another
// silence: the old decision resolves what it opened itself and leaves the
// newer firing kept, to open when its own silence ends. The resolution is
// stamped by a clock 3 s behind the firing's: within kNewerFiringMargin it
// still ends it, here as when it drops a kept copy.
TEST_F(MutedAlertsTest, ADecisionAgainLeavesANewerFiringKeptMeanwhile) {
  Silence(kT0 + absl::Hours(1));
  ASSERT_EQ(Decide(Event()).outcome, Outcome::kSilenced);
  clock_.Advance(absl::Hours(1));
  // Between the decision's read and its incident write.
  store_.BeforeNextWrite([this] {
    domain::Alert resolved = Resolved(Event(), "evt-2");
    resolved.at = kT0 - absl::Seconds(3);
    Process(resolved);
    clock_.Advance(absl::Minutes(1));
    Silence(kT0 + absl::Hours(3));
    EXPECT_EQ(Decide(Event("evt-3")).outcome, Outcome::kSilenced);
  });
  FireUntilQuiet();
  ASSERT_THAT(Kept(), SizeIs(1)) << "the newer firing is not dropped";
  EXPECT_EQ(Kept()[0].alert.id, "evt-3");
  EXPECT_THAT(ActiveSafety(), IsEmpty()) << "what the ended firing opened is resolved";

  clock_.Advance(absl::Hours(2));
  FireUntilQuiet();
  EXPECT_THAT(ActiveSafety(), SizeIs(1)) << "the newer firing opens when its silence ends";
  EXPECT_THAT(Kept(), IsEmpty());
}

// A newer alert of the same labels replaces the kept copy without any
// resolution (a new window's breach while the last one still fires,
// another RaiseAlert) while the copy is decided again: the incident it
// opened stays open, and the newer alert joins it when its own silence
// ends — one incident, paged once.
TEST_F(MutedAlertsTest, ANewerAlertKeptWithoutAResolutionLeavesTheIncidentOpen) {
  Silence(kT0 + absl::Hours(1));
  ASSERT_EQ(Decide(Event()).outcome, Outcome::kSilenced);
  clock_.Advance(absl::Hours(1));
  store_.BeforeNextWrite([this] {
    clock_.Advance(absl::Minutes(1));
    Silence(kT0 + absl::Hours(3));
    EXPECT_EQ(Decide(Event("evt-3")).outcome, Outcome::kSilenced);
  });
  FireUntilQuiet();
  ASSERT_THAT(ActiveSafety(), SizeIs(1)) << "nothing ended it";
  const std::string id = ActiveSafety()[0].id;
  ASSERT_THAT(Kept(), SizeIs(1));
  EXPECT_EQ(Kept()[0].alert.id, "evt-3");

  clock_.Advance(absl::Hours(2));
  FireUntilQuiet();
  ASSERT_THAT(ActiveSafety(), SizeIs(1));
  EXPECT_EQ(ActiveSafety()[0].id, id) << "joined, not a second incident";
  std::vector<std::string> triggered = Pages(id);
  std::erase_if(triggered, [](const std::string& p) { return !p.starts_with("triggered"); });
  EXPECT_THAT(triggered, SizeIs(2)) << "tier 0's two targets, paged once (then repeats)";
  EXPECT_THAT(Kept(), IsEmpty());
}

// Silenced and inhibited; the silence ends and the old firing, still
// inhibited, is kept again — while its resolution drops it and a newer
// firing of the same labels is kept. The old copy does not replace it.
TEST_F(MutedAlertsTest, AKeepAgainLeavesANewerFiringKeptMeanwhile) {
  const std::string outage = OpenOutage();
  Silence(kT0 + absl::Hours(1));
  ASSERT_EQ(Decide(Event()).outcome, Outcome::kSilenced);
  clock_.Advance(absl::Hours(1));
  store_.BeforeNextKeep([this] {
    Process(Resolved(Event(), "evt-2"));
    clock_.Advance(absl::Minutes(1));
    EXPECT_EQ(Decide(Event("evt-3")).outcome, Outcome::kInhibited);
  });
  FireUntilQuiet();
  ASSERT_THAT(Kept(), SizeIs(1));
  EXPECT_EQ(Kept()[0].alert.id, "evt-3") << "not replaced by the ended firing's copy";
  EXPECT_EQ(Kept()[0].alert.at, kT0 + absl::Hours(1) + absl::Minutes(1));

  ASSERT_TRUE(commands_.Resolve(outage, Ctx("res-1"), "back").ok());
  FireUntilQuiet();
  ASSERT_THAT(ActiveSafety(), SizeIs(1)) << "the newer firing opens";
  EXPECT_EQ(ActiveSafety()[0].alert_started.at(Fingerprint()),
            kT0 + absl::Hours(1) + absl::Minutes(1));
}

TEST_F(MutedAlertsTest, TwoReplicasDecidingOneEventOpenOneIncident) {
  Silence(kT0 + absl::Hours(1));
  ASSERT_EQ(Decide(Event()).outcome, Outcome::kSilenced);
  clock_.Advance(absl::Hours(1));
  AlertProcessor other(store_, catalog_, clock_, alert_stats_, incident_stats_, [] {});
  // A claim expired mid-decision: the other replica decides it meanwhile.
  store_.BeforeNextWrite([&] { ASSERT_TRUE(other.OnTimer(MutedTimer()).ok()); });
  ASSERT_TRUE(processor_.OnTimer(MutedTimer()).ok());
  ASSERT_TRUE(processor_.OnTimer(MutedTimer()).ok()) << "fired again: nothing kept";

  ASSERT_THAT(ActiveSafety(), SizeIs(1));
  EXPECT_EQ(ActiveSafety()[0].alerts_total, 1);
  EXPECT_THAT(Kept(), IsEmpty());
}

// A RaiseAlert retried after its silence ended (stamped anew, by the
// receiving replica's clock) is decided then; the copy kept at its first
// call is the same alert (its id) and goes with it: once the incident is
// resolved by hand, nothing is left to open a second one.
TEST_F(MutedAlertsTest, ARetriedRaiseDecidedAfterItsSilenceLeavesNoKeptCopy) {
  Silence(kT0 + absl::Hours(1));
  domain::Alert raised = Event("api|req-1");
  raised.source = "api";
  ASSERT_EQ(Decide(raised).outcome, Outcome::kSilenced);
  clock_.Advance(absl::Hours(1));
  raised.at = clock_.Now();
  Decision d = Decide(raised);
  ASSERT_EQ(d.outcome, Outcome::kOpened);
  EXPECT_THAT(Kept(), IsEmpty());

  ASSERT_TRUE(commands_.Resolve(d.incident_id, Ctx("res-1"), "handled").ok());
  FireUntilQuiet();
  EXPECT_THAT(ActiveSafety(), IsEmpty()) << "no second incident from a stale copy";
}

// Two replicas decide one kept alert again; the second finds it already
// in the first one's incident (duplicate) and drops the kept copy before
// the first looks whether it is still kept. Gone without a resolution, it
// has not ended: the incident stays open.
TEST_F(MutedAlertsTest, AReplicaDecidingItTooAfterTheOpenLeavesTheIncidentOpen) {
  Silence(kT0 + absl::Hours(1));
  ASSERT_EQ(Decide(Event()).outcome, Outcome::kSilenced);
  clock_.Advance(absl::Hours(1));
  AlertProcessor other(store_, catalog_, clock_, alert_stats_, incident_stats_, [] {});
  bool once = false;
  // The first replica's wake-up runs right after its opening write.
  AlertProcessor first(store_, catalog_, clock_, alert_stats_, incident_stats_, [&] {
    if (!std::exchange(once, true)) {
      ASSERT_TRUE(other.OnTimer(MutedTimer()).ok());
    }
  });
  ASSERT_TRUE(first.OnTimer(MutedTimer()).ok());
  ASSERT_TRUE(once);
  ASSERT_THAT(ActiveSafety(), SizeIs(1)) << "still firing: nothing resolved it";
  EXPECT_EQ(ActiveSafety()[0].alerts_total, 1);
  EXPECT_THAT(Kept(), IsEmpty());
}

TEST_F(MutedAlertsTest, RaisedAlertsAreKeptAlertmanagerAlertsAreNot) {
  Silence(kT0 + absl::Hours(1));
  domain::Alert raised = Event("api|req-1");
  raised.source = "api";
  ASSERT_EQ(Decide(raised).outcome, Outcome::kSilenced);
  EXPECT_THAT(Kept(), SizeIs(1)) << "RaiseAlert is one call per alert";

  domain::Alert am = Safety("am|x", "S1", "c-2");
  am.source = "alertmanager";
  ASSERT_EQ(Decide(am).outcome, Outcome::kSilenced);
  EXPECT_THAT(Kept(), SizeIs(1)) << "Alertmanager re-sends while it fires";
}

TEST_F(MutedAlertsTest, AKeptEventDecidedOnARedeliveryIsNoLongerKept) {
  const std::string outage = OpenOutage();
  ASSERT_EQ(Decide(Event()).outcome, Outcome::kInhibited);
  ASSERT_TRUE(commands_.Resolve(outage, Ctx("res-1"), "back").ok());
  // Kafka redelivers the event (a rebalance) before the wake-up fired.
  EXPECT_EQ(Decide(Event()).outcome, Outcome::kOpened);
  EXPECT_THAT(Kept(), IsEmpty());
  FireUntilQuiet();
  EXPECT_THAT(ActiveSafety(), SizeIs(1));
}

}  // namespace
}  // namespace sqms::alerts::app::testing
