// AlertProcessor: what one alert does — open and page, join, duplicate,
// replay, silence, inhibition, counting triggers, resolution, drills — on
// the in-memory store with a FakeClock (alerts_app_fixture.h has the plans).

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/unit/alerts/app/alerts_app_fixture.h"

namespace sqms::alerts::app::testing {
namespace {

using ports::IncidentEventKind;
using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::Pair;
using ::testing::SizeIs;

class AlertProcessorTest : public AlertsAppTest {};

TEST_F(AlertProcessorTest, AFirstAlertOpensAnIncidentAndPagesTierZero) {
  Decision d = Decide(Safety("a1", "S1", "c-1"));
  ASSERT_EQ(d.outcome, Outcome::kOpened);
  EXPECT_EQ(d.plan_id, "safety");

  ports::Incident i = Incident(d.incident_id);
  EXPECT_EQ(i.state, domain::IncidentState::kTriggered);
  EXPECT_EQ(i.opened_at, kT0);
  EXPECT_EQ(i.labels, (domain::Labels{{"station", "S1"}}));
  EXPECT_THAT(i.linked_complaints, ElementsAre("c-1"));
  EXPECT_THAT(Pages(d.incident_id), ElementsAre("triggered 0.0 sink", "triggered 0.0 robot"));
  for (const ports::Delivery& p : Deliveries(d.incident_id)) {
    EXPECT_EQ(p.status, "pending");
    EXPECT_THAT(p.recipients, ElementsAre("first"));
  }
  EXPECT_EQ(store_.FindGroup("safety|station=S1").value(), d.incident_id);
  EXPECT_THAT(store_.EventKinds(d.incident_id), ElementsAre(IncidentEventKind::kOpened));
  EXPECT_EQ(wakes_, 1) << "the dispatcher is woken to send now";
}

TEST_F(AlertProcessorTest, TheNextEscalationIsDueOneAckTimeoutAfterOpening) {
  const std::string id = OpenSafety();
  EXPECT_THAT(IncidentTimers(),
              ElementsAre(Pair(absl::StrCat("esc|", id, "|0"), kT0 + absl::Minutes(5))));
  EXPECT_EQ(Incident(id).next_escalation_at, kT0 + absl::Minutes(5));
  // Each page is due at once.
  for (const ports::Delivery& p : Deliveries(id)) {
    EXPECT_EQ(store_.Timers().at(absl::StrCat("dlv|", p.id)), kT0);
  }
}

TEST_F(AlertProcessorTest, AnotherAlertOfTheSameGroupJoinsTheIncident) {
  const std::string id = OpenSafety();
  clock_.Advance(absl::Minutes(1));
  Decision d = Decide(Safety("a2", "S1", "c-2"));
  EXPECT_EQ(d.outcome, Outcome::kGrouped);
  EXPECT_EQ(d.incident_id, id);

  ports::Incident i = Incident(id);
  EXPECT_EQ(i.FiringAlerts(), 2);
  EXPECT_EQ(i.alerts_total, 2);
  EXPECT_THAT(i.linked_complaints, ElementsAre("c-1", "c-2"));
  EXPECT_THAT(Deliveries(id), SizeIs(2)) << "joining pages nobody again";
  EXPECT_THAT(store_.EventKinds(id),
              ElementsAre(IncidentEventKind::kOpened, IncidentEventKind::kAlertAdded));
}

TEST_F(AlertProcessorTest, TheSameLabelsAgainAreADuplicateAndWriteNothing) {
  const std::string id = OpenSafety();
  const int writes = store_.writes();
  domain::Alert again = Safety("a-other-id", "S1", "c-1");  // same labels, new id
  Decision d = Decide(again);
  EXPECT_EQ(d.outcome, Outcome::kDuplicate);
  EXPECT_EQ(d.incident_id, id);
  EXPECT_EQ(store_.writes(), writes);
}

TEST_F(AlertProcessorTest, TheSameAlertIdAgainIsAnsweredFromTheRecordAndChangesNothing) {
  ProcessResult first = Process(Safety("a1", "S1", "c-1"));
  const int writes = store_.writes();
  ProcessResult again = Process(Safety("a1", "S1", "c-1"));
  EXPECT_TRUE(again.replayed);
  EXPECT_FALSE(first.replayed);
  EXPECT_EQ(again.fingerprint, first.fingerprint);
  ASSERT_THAT(again.decisions, SizeIs(1));
  EXPECT_EQ(again.decisions[0].outcome, Outcome::kOpened);
  EXPECT_EQ(again.decisions[0].incident_id, first.decisions[0].incident_id);
  EXPECT_EQ(store_.writes(), writes);
  EXPECT_THAT(alert_stats_.received, SizeIs(1)) << "a redelivery is not a new alert";
}

TEST_F(AlertProcessorTest, AnAlertOfAnotherGroupOpensAnotherIncident) {
  const std::string s1 = OpenSafety("S1");
  const std::string s2 = OpenSafety("S2");
  EXPECT_NE(s1, s2);
  EXPECT_THAT(store_.List({}).value(), SizeIs(2));
}

TEST_F(AlertProcessorTest, AnAlertMatchingNoPlanDecidesNothing) {
  ProcessResult r = Process(WithLabels("x1", {{"alertname", "Unrelated"}}, kT0));
  EXPECT_THAT(r.decisions, IsEmpty());
  EXPECT_EQ(store_.writes(), 0);
}

TEST_F(AlertProcessorTest, ASilencedAlertOpensNothing) {
  domain::Silence s;
  s.matchers = {M("station", "=", "S1")};
  s.ends_at = kT0 + absl::Hours(1);
  auto silence = commands_.CreateSilence(s, Ctx("sil-req"));
  ASSERT_TRUE(silence.ok()) << silence.status();

  Decision d = Decide(Safety("a1", "S1", "c-1"));
  EXPECT_EQ(d.outcome, Outcome::kSilenced);
  EXPECT_EQ(d.silence_id, silence->id);
  EXPECT_THAT(store_.List({}).value(), IsEmpty());
  // Another station is not muted.
  EXPECT_EQ(Decide(Safety("a2", "S2", "c-2")).outcome, Outcome::kOpened);
}

TEST_F(AlertProcessorTest, AnActiveOutageInhibitsComplaintAlertsOfItsStation) {
  Decision outage = Decide(WithLabels("o1", {{"alertname", "SqmsDown"}, {"station", "S1"}}, kT0));
  ASSERT_EQ(outage.outcome, Outcome::kOpened);

  Decision d = Decide(Safety("a1", "S1", "c-1"));
  EXPECT_EQ(d.outcome, Outcome::kInhibited);
  EXPECT_EQ(d.inhibited_by, outage.incident_id);
  EXPECT_EQ(Decide(Safety("a2", "S2", "c-2")).outcome, Outcome::kOpened)
      << "another station is not inhibited";
}

TEST_F(AlertProcessorTest, ASilencedAlertResentAfterTheSilenceEndsOpensTheIncidentOnce) {
  domain::Silence s;
  s.matchers = {M("station", "=", "S1")};
  s.ends_at = kT0 + absl::Hours(1);
  ASSERT_TRUE(commands_.CreateSilence(s, Ctx("sil-req")).ok());
  ASSERT_EQ(Decide(Safety("am|a1", "S1", "c-1")).outcome, Outcome::kSilenced);

  // Alertmanager re-sends the still-firing alert: same startsAt, same id.
  clock_.Advance(absl::Hours(1));
  ProcessResult resent = Process(Safety("am|a1", "S1", "c-1"));
  EXPECT_FALSE(resent.replayed);
  ASSERT_THAT(resent.decisions, SizeIs(1));
  EXPECT_EQ(resent.decisions[0].outcome, Outcome::kOpened) << "the silence has ended";

  const int writes = store_.writes();
  ProcessResult again = Process(Safety("am|a1", "S1", "c-1"));
  EXPECT_TRUE(again.replayed);
  ASSERT_THAT(again.decisions, SizeIs(1));
  EXPECT_EQ(again.decisions[0].outcome, Outcome::kOpened);
  EXPECT_EQ(again.decisions[0].incident_id, resent.decisions[0].incident_id);
  EXPECT_EQ(store_.writes(), writes);
  EXPECT_THAT(store_.List({}).value(), SizeIs(1)) << "no second incident";
  EXPECT_THAT(alert_stats_.decided, ElementsAre(Outcome::kSilenced, Outcome::kOpened));
}

TEST_F(AlertProcessorTest, AnInhibitedAlertResentAfterTheOutageResolvedOpensTheIncidentOnce) {
  Decision outage = Decide(WithLabels("o1", {{"alertname", "SqmsDown"}, {"station", "S1"}}, kT0));
  ASSERT_EQ(outage.outcome, Outcome::kOpened);
  ASSERT_EQ(Decide(Safety("am|a1", "S1", "c-1")).outcome, Outcome::kInhibited);
  ASSERT_EQ(Decide(Safety("am|a1", "S1", "c-1")).outcome, Outcome::kInhibited)
      << "still inhibited while the outage is active";
  ASSERT_TRUE(commands_.Resolve(outage.incident_id, Ctx("res-1"), "back").ok());

  Decision resent = Decide(Safety("am|a1", "S1", "c-1"));
  EXPECT_EQ(resent.outcome, Outcome::kOpened);
  Decision again = Decide(Safety("am|a1", "S1", "c-1"));
  EXPECT_EQ(again.outcome, Outcome::kOpened);
  EXPECT_EQ(again.incident_id, resent.incident_id);
  EXPECT_THAT(
      store_.List({.active_only = true, .plan_id = "safety", .limit = 10, .after = std::nullopt})
          .value(),
      SizeIs(1));
}

TEST_F(AlertProcessorTest, LabelsAbsentOnBothSidesNeverCountAsEqual) {
  ASSERT_EQ(Decide(WithLabels("o1", {{"alertname", "SqmsDown"}}, kT0)).outcome, Outcome::kOpened);
  Decision d = Decide(WithLabels(
      "a1", {{"alertname", "complaint_submitted"}, {"category", "safety"}}, kT0));
  EXPECT_EQ(d.outcome, Outcome::kOpened) << "no station on either side: not the same station";
}

domain::Labels AnswerRate(const std::string& queue) {
  return {{"alertname", "AnswerRateLow"}, {"department", "ticketing"}, {"queue", queue}};
}

TEST_F(AlertProcessorTest, ACountingTriggerCountsUntilItsCountThenOpens) {
  EXPECT_EQ(Decide(WithLabels("r1", AnswerRate("q1"), kT0)).outcome, Outcome::kCounted);
  EXPECT_EQ(Decide(WithLabels("r2", AnswerRate("q2"), kT0 + absl::Minutes(4))).outcome,
            Outcome::kCounted);
  EXPECT_THAT(store_.List({}).value(), IsEmpty());
  Decision third = Decide(WithLabels("r3", AnswerRate("q3"), kT0 + absl::Minutes(8)));
  EXPECT_EQ(third.outcome, Outcome::kOpened);
  EXPECT_EQ(Incident(third.incident_id).plan_id, "answer");
}

TEST_F(AlertProcessorTest, ACountingTriggerCountsTheSameAlertOnce) {
  ASSERT_EQ(Decide(WithLabels("r1", AnswerRate("q1"), kT0)).outcome, Outcome::kCounted);
  ASSERT_EQ(Decide(WithLabels("r2", AnswerRate("q1"), kT0 + absl::Minutes(1))).outcome,
            Outcome::kCounted);
  EXPECT_EQ(Decide(WithLabels("r3", AnswerRate("q2"), kT0 + absl::Minutes(2))).outcome,
            Outcome::kCounted);
}

TEST_F(AlertProcessorTest, ACountingTriggerForgetsAlertsOlderThanItsWindow) {
  ASSERT_EQ(Decide(WithLabels("r1", AnswerRate("q1"), kT0)).outcome, Outcome::kCounted);
  ASSERT_EQ(Decide(WithLabels("r2", AnswerRate("q2"), kT0 + absl::Minutes(5))).outcome,
            Outcome::kCounted);
  EXPECT_EQ(Decide(WithLabels("r3", AnswerRate("q3"), kT0 + absl::Minutes(12))).outcome,
            Outcome::kCounted)
      << "q1 fell out of the 10-minute window";
}

TEST_F(AlertProcessorTest, ResolvingOneOfTwoAlertsLeavesTheIncidentOpen) {
  const std::string id = OpenSafety();
  ASSERT_EQ(Decide(Safety("a2", "S1", "c-2")).outcome, Outcome::kGrouped);
  Decision d = Decide(Resolved(Safety("a2", "S1", "c-2"), "a2-resolved"));
  EXPECT_EQ(d.outcome, Outcome::kResolved);
  ports::Incident i = Incident(id);
  EXPECT_EQ(i.state, domain::IncidentState::kTriggered);
  EXPECT_EQ(i.FiringAlerts(), 1);
}

TEST_F(AlertProcessorTest, ResolvingTheLastAlertResolvesTheIncident) {
  const std::string id = OpenSafety();
  clock_.Advance(absl::Minutes(3));
  Decision d = Decide(Resolved(Safety("open-S1", "S1", "c-1"), "r1"));
  EXPECT_EQ(d.outcome, Outcome::kResolved);

  ports::Incident i = Incident(id);
  EXPECT_EQ(i.state, domain::IncidentState::kResolved);
  EXPECT_EQ(i.resolved_at, kT0 + absl::Minutes(3));
  EXPECT_THAT(store_.EventKinds(id),
              ElementsAre(IncidentEventKind::kOpened, IncidentEventKind::kResolved));
  EXPECT_THAT(incident_stats_.resolved, ElementsAre(id));
}

// One alert fires, resolves and fires again; the resolution reaches the
// service last (an HA pair of Alertmanagers, a retried delivery). Handled
// late, it ends the firing it followed, not the newer one the incident
// holds — which its own resolution ends.
TEST_F(AlertProcessorTest, AnOlderResolutionHandledLateLeavesANewerFiringFiring) {
  const std::string id = OpenSafety();
  domain::Alert ended = Resolved(Safety("open-S1", "S1", "c-1"), "r1");
  ended.at = kT0 + absl::Minutes(1);
  const std::string fingerprint = domain::Fingerprint(Safety("x", "S1", "c-1").labels);
  clock_.Advance(absl::Seconds(3));
  int writes = store_.writes();
  ASSERT_EQ(Decide(Safety("skewed-S1", "S1", "c-1")).outcome, Outcome::kDuplicate);
  EXPECT_EQ(store_.writes(), writes) << "within the margin: the same firing, nothing written";

  clock_.Advance(absl::Minutes(2));
  writes = store_.writes();
  ASSERT_EQ(Decide(Safety("again-S1", "S1", "c-1")).outcome, Outcome::kDuplicate);
  EXPECT_EQ(store_.writes(), writes + 1);
  EXPECT_EQ(Incident(id).alert_started.at(fingerprint), kT0 + absl::Minutes(2) + absl::Seconds(3))
      << "the newer firing's start";
  EXPECT_THAT(store_.EventKinds(id), ElementsAre(IncidentEventKind::kOpened)) << "no event";

  clock_.Advance(absl::Minutes(1));
  EXPECT_EQ(Decide(ended).outcome, Outcome::kNoIncident);
  EXPECT_EQ(Incident(id).state, domain::IncidentState::kTriggered);
  EXPECT_EQ(Incident(id).FiringAlerts(), 1);
  EXPECT_EQ(Incident(id).timeline.back().kind, "resolution-passed-over")
      << "its timeline says why it fires on";

  EXPECT_EQ(Decide(Resolved(Safety("again-S1", "S1", "c-1"), "r2")).outcome, Outcome::kResolved);
  EXPECT_EQ(Incident(id).state, domain::IncidentState::kResolved);
}

// Likewise when the resolution was handled in time and a copy of it comes
// late: the incident the next firing opened stays open. A resolution that
// ended less than kNewerFiringMargin before a firing's start (host clocks
// may disagree by that much) still ends it.
TEST_F(AlertProcessorTest, ALateCopyOfAResolutionLeavesTheNextFiringsIncidentOpen) {
  const std::string first = OpenSafety();
  clock_.Advance(absl::Minutes(1));
  const domain::Alert ended = Resolved(Safety("open-S1", "S1", "c-1"), "r1");
  ASSERT_EQ(Decide(ended).outcome, Outcome::kResolved);
  clock_.Advance(absl::Minutes(1));
  Decision next = Decide(Safety("again-S1", "S1", "c-1"));
  ASSERT_EQ(next.outcome, Outcome::kOpened);
  ASSERT_NE(next.incident_id, first);

  domain::Alert copy = ended;
  copy.id = "r1-from-the-other-alertmanager";
  EXPECT_EQ(Decide(copy).outcome, Outcome::kNoIncident);
  EXPECT_EQ(Incident(next.incident_id).state, domain::IncidentState::kTriggered);
  EXPECT_EQ(Incident(next.incident_id).timeline.back().kind, "resolution-passed-over");

  domain::Alert skewed = ended;
  skewed.id = "r3";
  skewed.at = kT0 + absl::Minutes(2) - ports::kNewerFiringMargin;
  EXPECT_EQ(Decide(skewed).outcome, Outcome::kResolved);
  EXPECT_EQ(Incident(next.incident_id).state, domain::IncidentState::kResolved);
}

TEST_F(AlertProcessorTest, AResolvedIncidentSendsResolvedNoticesToTheTargetsNotified) {
  const std::string id = OpenSafety();
  ClaimPending(id);  // tier 0's pages go out
  ASSERT_EQ(Decide(Resolved(Safety("open-S1", "S1", "c-1"), "r1")).outcome, Outcome::kResolved);
  EXPECT_THAT(Pages(id), ElementsAre("triggered 0.0 sink", "triggered 0.0 robot",
                                     "resolved 0.0 sink", "resolved 0.0 robot"));
}

TEST_F(AlertProcessorTest, AResolvedIncidentCancelsItsEscalationAndReleasesItsGroup) {
  const std::string id = OpenSafety();
  ASSERT_EQ(Decide(Resolved(Safety("open-S1", "S1", "c-1"), "r1")).outcome, Outcome::kResolved);
  // Only the wake-up of the alerts it may have inhibited is left.
  EXPECT_THAT(IncidentTimers(), ElementsAre(::testing::Pair(UnmuteTimer(id), kT0)));
  EXPECT_EQ(store_.FindGroup("safety|station=S1").value(), "");

  clock_.Advance(absl::Minutes(1));
  Decision again = Decide(Safety("a-new", "S1", "c-1"));
  EXPECT_EQ(again.outcome, Outcome::kOpened);
  EXPECT_NE(again.incident_id, id) << "a resolved incident is never reopened";
}

TEST_F(AlertProcessorTest, APlanWithoutAutoResolveStaysOpenWhenItsAlertsResolve) {
  Decision opened = Decide(WithLabels("m1", {{"alertname", "Manual"}}, kT0));
  ASSERT_EQ(opened.outcome, Outcome::kOpened);
  domain::Alert resolved = WithLabels("m1-resolved", {{"alertname", "Manual"}}, kT0);
  resolved.firing = false;
  EXPECT_EQ(Decide(resolved).outcome, Outcome::kResolved);

  ports::Incident i = Incident(opened.incident_id);
  EXPECT_EQ(i.state, domain::IncidentState::kTriggered);
  EXPECT_EQ(i.FiringAlerts(), 0);
}

TEST_F(AlertProcessorTest, AResolvedAlertWithoutAnIncidentDecidesNoIncident) {
  Decision d = Decide(Resolved(Safety("a1", "S1", "c-1"), "a1-resolved"));
  EXPECT_EQ(d.outcome, Outcome::kNoIncident);
  EXPECT_EQ(store_.writes(), 0);
}

TEST_F(AlertProcessorTest, ALongSummaryBecomesATitleLineCutAtACharacter) {
  domain::Alert alert = Safety("a1", "S1", "c-1");
  std::string summary;
  for (int i = 0; i < 1000; ++i) summary += "故障";  // 6,000 bytes, 3 a character
  alert.annotations["summary"] = summary;
  Decision d = Decide(alert);
  ASSERT_EQ(d.outcome, Outcome::kOpened);
  const std::string title = Incident(d.incident_id).title;
  ASSERT_TRUE(title.ends_with("故…")) << title;
  EXPECT_LT(title.size(), 400u);
  const size_t hint = title.find("故障");
  ASSERT_NE(hint, std::string::npos);
  EXPECT_EQ((title.size() - hint - std::string("…").size()) % 3, 0u) << "whole characters";
}

TEST_F(AlertProcessorTest, DrillAlertsNeverJoinRealIncidents) {
  const std::string real = OpenSafety();
  domain::Alert drill = Safety("d1", "S1", "c-1");
  drill.drill = true;
  Decision d = Decide(drill);
  EXPECT_EQ(d.outcome, Outcome::kOpened);
  EXPECT_NE(d.incident_id, real);
  ports::Incident i = Incident(d.incident_id);
  EXPECT_TRUE(i.drill);
  EXPECT_TRUE(i.title.starts_with("[DRILL] ")) << i.title;
  EXPECT_EQ(Incident(real).alerts_total, 1);

  // Nor does a real alert join the drill.
  Decision joined = Decide(Safety("a2", "S1", "c-2"));
  EXPECT_EQ(joined.incident_id, real);
}

// A real outage and its drill fire with the same labels. The drill is
// resolved by hand; its alert's resolution then finds no drill incident
// under its key — and must not resolve the real one (same fingerprint).
TEST_F(AlertProcessorTest, ADrillsResolvedAlertNeverResolvesARealIncident) {
  const domain::Alert down = WithLabels("o-1", {{"alertname", "SqmsDown"}, {"station", "S1"}}, kT0);
  const Decision real = Decide(down);
  ASSERT_EQ(real.outcome, Outcome::kOpened);
  domain::Alert drill = down;
  drill.id = "o-1-drill";
  drill.drill = true;
  const Decision rehearsed = Decide(drill);
  ASSERT_EQ(rehearsed.outcome, Outcome::kOpened);
  ASSERT_TRUE(commands_.Resolve(rehearsed.incident_id, Ctx("res-drill"), "drill over").ok());

  const Decision resolved = Decide(Resolved(drill, "o-1-drill-resolved"));
  EXPECT_EQ(resolved.outcome, Outcome::kNoIncident);
  EXPECT_TRUE(domain::IsActive(Incident(real.incident_id).state)) << "the real outage pages on";
}

}  // namespace
}  // namespace sqms::alerts::app::testing
