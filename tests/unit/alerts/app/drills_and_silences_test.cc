// IncidentCommands' drills (StartDrill, Report), silences (create, list,
// expire) and the kept muted alerts they hold (ListMutedAlerts), with a
// FakeClock: every duration in a drill report is the fake clock's.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>

#include "tests/unit/alerts/app/alerts_app_fixture.h"

namespace sqms::alerts::app::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Pair;
using ::testing::SizeIs;

class DrillTest : public AlertsAppTest {
 protected:
  std::string StartDrill(const std::string& request_id) {
    auto drill = commands_.StartDrill("safety", {{"station", "S9"}}, Ctx(request_id));
    EXPECT_TRUE(drill.ok()) << drill.status();
    return drill.ok() ? drill->id : "";
  }
  DrillReport Report(const std::string& id) {
    auto r = commands_.Report(id);
    EXPECT_TRUE(r.ok()) << r.status();
    return r.ok() ? *std::move(r) : DrillReport{};
  }
  // Acknowledged after 3 min, step 0 done after 4, resolved after 20.
  void Rehearse(const std::string& id, absl::Time opened) {
    clock_.Set(opened + absl::Minutes(3));
    ASSERT_TRUE(commands_.Acknowledge(id, Ctx(absl::StrCat(id, "-ack")), "").ok());
    clock_.Set(opened + absl::Minutes(4));
    ASSERT_TRUE(commands_.CompleteStep(id, Ctx(absl::StrCat(id, "-step")), 0).ok());
    clock_.Set(opened + absl::Minutes(20));
    ASSERT_TRUE(commands_.Resolve(id, Ctx(absl::StrCat(id, "-resolve")), "").ok());
  }
};

TEST_F(DrillTest, ADrillOpensADrillMarkedIncidentAndPagesLikeARealOne) {
  const std::string id = StartDrill("drill-1");
  ports::Incident i = Incident(id);
  EXPECT_TRUE(i.drill);
  EXPECT_EQ(i.plan_id, "safety");
  EXPECT_EQ(i.first_alert.at("drill"), "true");
  EXPECT_THAT(Pages(id), ElementsAre("triggered 0.0 sink", "triggered 0.0 robot"));
  EXPECT_THAT(IncidentTimers(), ElementsAre(Pair(absl::StrCat("esc|", id, "|0"),
                                                 kT0 + absl::Minutes(5))));
}

TEST_F(DrillTest, ARetriedStartReturnsTheSameDrill) {
  const std::string id = StartDrill("drill-1");
  const int writes = store_.writes();
  EXPECT_EQ(StartDrill("drill-1"), id);
  EXPECT_EQ(store_.writes(), writes);
  EXPECT_THAT(store_.List({}).value(), SizeIs(1));
}

// Drills are kept for good, request id bindings 8 days: an id reused after
// that starts a drill of its own instead of answering with the first.
TEST_F(DrillTest, AnIdReusedAfterItsBindingExpiredStartsItsOwnDrill) {
  const std::string first = StartDrill("drill-1");
  store_.ExpireRequestBindings();
  auto other = commands_.StartDrill("safety", {{"station", "S2"}}, Ctx("drill-1"));
  ASSERT_TRUE(other.ok()) << other.status();
  EXPECT_NE(other->id, first);
  EXPECT_THAT(store_.List({}).value(), SizeIs(2));
}

TEST_F(DrillTest, AnUnknownPlanNamesThePlanIdField) {
  auto drill = commands_.StartDrill("no-such-plan", {}, Ctx("drill-1"));
  EXPECT_EQ(drill.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(Fields(drill.status()), ElementsAre("plan_id"));
}

TEST_F(DrillTest, TheReportTimesTheResponseByTheClock) {
  const std::string id = StartDrill("drill-1");
  Rehearse(id, kT0);
  DrillReport r = Report(id);
  EXPECT_EQ(r.started_at, kT0);
  EXPECT_EQ(r.to_acknowledge, absl::Minutes(3));
  EXPECT_EQ(r.acknowledged_at_tier, 0);
  EXPECT_EQ(r.to_resolve, absl::Minutes(20));
  EXPECT_THAT(r.tiers_notified, ElementsAre(Pair(0, kT0)));
}

TEST_F(DrillTest, TheReportOfAnOpenDrillHasNoResponseTimesYet) {
  DrillReport r = Report(StartDrill("drill-1"));
  EXPECT_EQ(r.to_acknowledge, std::nullopt);
  EXPECT_EQ(r.to_resolve, std::nullopt);
  EXPECT_EQ(r.acknowledged_at_tier, -1);
}

TEST_F(DrillTest, TheReportListsWhenEachTierWasFirstNotified) {
  const std::string id = StartDrill("drill-1");
  clock_.Advance(absl::Minutes(5));
  ASSERT_EQ(FireDueTimers(), 1);  // tier 0 again
  clock_.Advance(absl::Minutes(5));
  ASSERT_EQ(FireDueTimers(), 1);  // tier 1
  EXPECT_THAT(Report(id).tiers_notified,
              ElementsAre(Pair(0, kT0), Pair(1, kT0 + absl::Minutes(10))));
}

// Tier 1's pages were decided, but the acknowledgement came before they
// went out: the drill's escalation stopped at tier 0.
TEST_F(DrillTest, ATierWhosePagesWereCancelledUnsentWasNotNotified) {
  const std::string id = StartDrill("drill-1");
  ClaimPending(id);  // tier 0's pages go out
  clock_.Advance(absl::Minutes(10));
  ASSERT_EQ(FireDueTimers(), 1);  // tier 0 again
  clock_.Advance(absl::Minutes(5));
  ASSERT_EQ(FireDueTimers(), 1);  // tier 1
  ASSERT_TRUE(commands_.Acknowledge(id, Ctx("ack-1"), "").ok());
  int cancelled = 0;
  for (const ports::Delivery& d : Deliveries(id)) {
    if (d.tier != 1) continue;
    auto claim = store_.ClaimDelivery(d.id, clock_.Now());
    ASSERT_TRUE(claim.ok()) << claim.status();
    if (claim->kind == ports::DeliveryClaim::Kind::kCancelled) ++cancelled;
  }
  ASSERT_GT(cancelled, 0);
  EXPECT_THAT(Report(id).tiers_notified, ElementsAre(Pair(0, kT0)));
}

TEST_F(DrillTest, TheReportMarksStepsDoneLateAndCountsMissedOnes) {
  const std::string id = StartDrill("drill-1");
  clock_.Advance(absl::Minutes(4));
  ASSERT_TRUE(commands_.CompleteStep(id, Ctx("s0"), 0).ok());  // 5 expected
  DrillReport on_time = Report(id);
  ASSERT_THAT(on_time.steps, SizeIs(2));
  EXPECT_EQ(on_time.steps[0].title, "Confirm on site");
  EXPECT_EQ(on_time.steps[0].taken, absl::Minutes(4));
  EXPECT_FALSE(on_time.steps[0].late);
  EXPECT_EQ(on_time.steps[1].taken, std::nullopt);
  EXPECT_EQ(on_time.missed_steps, 0) << "step 1 still has 26 of its 30 minutes";

  clock_.Set(kT0 + absl::Minutes(31));
  EXPECT_EQ(Report(id).missed_steps, 1) << "step 1's 30 minutes have passed";
  ASSERT_TRUE(commands_.CompleteStep(id, Ctx("s1"), 1).ok());  // 30 expected
  DrillReport late = Report(id);
  EXPECT_EQ(late.steps[1].taken, absl::Minutes(31));
  EXPECT_TRUE(late.steps[1].late);
  EXPECT_EQ(late.missed_steps, 0);
}

TEST_F(DrillTest, AStepNotDoneWhenTheDrillEndsIsMissedThoughWithinItsTime) {
  const std::string id = StartDrill("drill-1");
  Rehearse(id, kT0);  // step 0 done, resolved after 20 minutes; step 1 has 30
  const DrillReport r = Report(id);
  EXPECT_EQ(r.steps[1].taken, std::nullopt);
  EXPECT_EQ(r.missed_steps, 1);
}

TEST_F(DrillTest, TheReportComparesWithThePreviousDrillOfThePlan) {
  const std::string first = StartDrill("drill-1");
  Rehearse(first, kT0);
  EXPECT_EQ(Report(first).previous_incident_id, "") << "the first drill has none";

  clock_.Set(kT0 + absl::Hours(24));
  const std::string second = StartDrill("drill-2");
  DrillReport r = Report(second);
  EXPECT_EQ(r.previous_incident_id, first);
  EXPECT_EQ(r.previous_to_acknowledge, absl::Minutes(3));
  EXPECT_EQ(r.previous_to_resolve, absl::Minutes(20));
}

TEST_F(DrillTest, AReportOfARealIncidentIsAFailedPrecondition) {
  const std::string id = OpenSafety();
  auto r = commands_.Report(id);
  EXPECT_EQ(r.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(r.status().message(), HasSubstr("is not a drill"));
}

class SilencesTest : public AlertsAppTest {
 protected:
  static domain::Silence StationSilence(const std::string& station, absl::Duration length) {
    domain::Silence s;
    s.matchers = {M("station", "=", station)};
    s.ends_at = kT0 + length;
    s.comment = "works";
    return s;
  }
  domain::Silence Create(const domain::Silence& s, const std::string& request_id) {
    auto created = commands_.CreateSilence(s, Ctx(request_id, "ops"));
    EXPECT_TRUE(created.ok()) << created.status();
    return created.ok() ? *std::move(created) : domain::Silence{};
  }
  std::vector<std::string> Listed(bool include_expired) {
    auto all = commands_.ListSilences(include_expired);
    EXPECT_TRUE(all.ok()) << all.status();
    std::vector<std::string> ids;
    for (const domain::Silence& s : all.value_or(std::vector<domain::Silence>{})) {
      ids.push_back(s.id);
    }
    return ids;
  }
};

TEST_F(SilencesTest, CreateFillsInTheIdTheCreatorAndTheStart) {
  domain::Silence s = Create(StationSilence("S1", absl::Hours(1)), "sil-1");
  EXPECT_TRUE(s.id.starts_with("sil-")) << s.id;
  EXPECT_EQ(s.created_by, "ops");
  EXPECT_EQ(s.starts_at, kT0);
  EXPECT_THAT(Listed(false), ElementsAre(s.id));
}

TEST_F(SilencesTest, CreateIsIdempotentPerRequestId) {
  domain::Silence first = Create(StationSilence("S1", absl::Hours(1)), "sil-1");
  clock_.Advance(absl::Minutes(1));  // the retry comes later: starts_at stays the first's
  domain::Silence retry = Create(StationSilence("S1", absl::Hours(1)), "sil-1");
  EXPECT_EQ(retry.id, first.id);
  EXPECT_EQ(retry.starts_at, first.starts_at) << "the retry returns what the first stored";
  EXPECT_THAT(Listed(true), SizeIs(1));
  // Another silence under the same id is no retry (request_ids_test.cc).
  EXPECT_EQ(commands_.CreateSilence(StationSilence("S1", absl::Hours(2)), Ctx("sil-1", "ops"))
                .status()
                .code(),
            absl::StatusCode::kFailedPrecondition);
  domain::Silence other = Create(StationSilence("S1", absl::Hours(1)), "sil-2");
  EXPECT_NE(other.id, first.id);
}

// Silences are kept past their request ids' bindings (8 days; a silence
// until its retention after its end, 14 days by default): an id reused
// after that must not find the first silence and answer it as its own.
TEST_F(SilencesTest, AnIdReusedAfterItsBindingExpiredCreatesItsOwnSilence) {
  domain::Silence first = Create(StationSilence("S1", absl::Hours(1)), "maint-1");
  store_.ExpireRequestBindings();
  domain::Silence other = Create(StationSilence("S2", absl::Hours(1)), "maint-1");
  EXPECT_NE(other.id, first.id);
  ASSERT_EQ(other.matchers.size(), 1u);
  EXPECT_EQ(other.matchers[0].ToString(), StationSilence("S2", absl::Hours(1)).matchers[0].ToString());
  EXPECT_THAT(Listed(true), SizeIs(2));
  // The first command retried still finds its own.
  store_.ExpireRequestBindings();
  EXPECT_EQ(Create(StationSilence("S1", absl::Hours(1)), "maint-1").id, first.id);
}

// Like Alertmanager's --data.retention: an expired silence is deleted once
// it ended longer ago than the retention, not a second before; a live one
// never.
TEST_F(SilencesTest, PruningDeletesSilencesThatEndedLongerAgoThanTheRetention) {
  Create(StationSilence("S1", absl::Hours(1)), "sil-1");
  domain::Silence live = Create(StationSilence("S2", absl::Hours(24 * 30)), "sil-2");
  const absl::Duration retention = absl::Hours(24 * 14);
  clock_.Set(kT0 + absl::Hours(1) + retention);
  EXPECT_EQ(commands_.PruneSilences(retention).value_or(-1), 0);
  EXPECT_THAT(Listed(true), SizeIs(2));
  clock_.Advance(absl::Seconds(1));
  EXPECT_EQ(commands_.PruneSilences(retention).value_or(-1), 1);
  EXPECT_THAT(Listed(true), ElementsAre(live.id));
}

TEST_F(SilencesTest, ASilenceThatHasEndedIsRefusedButARetryFindsItsOwn) {
  domain::Silence ended = StationSilence("S1", absl::Hours(1));
  ended.starts_at = kT0 - absl::Hours(2);
  ended.ends_at = kT0;  // ends now: already over
  auto refused = commands_.CreateSilence(ended, Ctx("sil-ended", "ops"));
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(refused.status().message(), HasSubstr("silence.ends_at: must be in the future"));
  EXPECT_THAT(Listed(true), IsEmpty());

  // Created live, then retried after it ended: the retry gets its silence.
  domain::Silence live = Create(StationSilence("S2", absl::Hours(1)), "sil-live");
  clock_.Advance(absl::Hours(2));
  EXPECT_EQ(Create(StationSilence("S2", absl::Hours(1)), "sil-live").id, live.id);
}

TEST_F(SilencesTest, ASilenceThatWouldMuteEverythingIsRefused) {
  domain::Silence s;
  s.matchers = {M("station", "!=", "S1")};  // matches alerts without a station
  s.ends_at = kT0 + absl::Hours(1);
  auto created = commands_.CreateSilence(s, Ctx("sil-1"));
  EXPECT_EQ(created.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(created.status().message(), HasSubstr("silence.matchers"));
  EXPECT_THAT(Listed(true), IsEmpty());
}

TEST_F(SilencesTest, ListLeavesOutExpiredSilencesUnlessAsked) {
  domain::Silence short_one = Create(StationSilence("S1", absl::Hours(1)), "sil-1");
  domain::Silence long_one = Create(StationSilence("S2", absl::Hours(3)), "sil-2");
  clock_.Advance(absl::Hours(2));
  EXPECT_THAT(Listed(false), ElementsAre(long_one.id));
  EXPECT_THAT(Listed(true), SizeIs(2));
}

TEST_F(SilencesTest, ExpireEndsTheSilenceNow) {
  domain::Silence s = Create(StationSilence("S1", absl::Hours(1)), "sil-1");
  clock_.Advance(absl::Minutes(10));
  auto expired = commands_.ExpireSilence(s.id);
  ASSERT_TRUE(expired.ok()) << expired.status();
  EXPECT_EQ(expired->ends_at, kT0 + absl::Minutes(10));
  EXPECT_THAT(Listed(false), IsEmpty());
  EXPECT_THAT(Listed(true), ElementsAre(s.id));
  EXPECT_EQ(Decide(Safety("a1", "S1", "c-1")).outcome, Outcome::kOpened)
      << "an expired silence mutes nothing";
}

TEST_F(SilencesTest, ExpiringAnExpiredSilenceChangesNothing) {
  domain::Silence s = Create(StationSilence("S1", absl::Hours(1)), "sil-1");
  clock_.Advance(absl::Hours(2));
  auto expired = commands_.ExpireSilence(s.id);
  ASSERT_TRUE(expired.ok()) << expired.status();
  EXPECT_EQ(expired->ends_at, kT0 + absl::Hours(1));
}

TEST_F(SilencesTest, ExpiringAnUnknownSilenceIsNotFound) {
  EXPECT_EQ(commands_.ExpireSilence("sil-none").status().code(), absl::StatusCode::kNotFound);
}

TEST_F(SilencesTest, ARecurringSilenceMutesOnlyInsideItsWindow) {
  // kT0 is a Thursday, 20:26 UTC: inside Thursday 20:00–21:00.
  domain::Silence s = StationSilence("S1", absl::Hours(24 * 30));
  s.recurrence = domain::Recurrence{{absl::Weekday::thursday}, 20 * 60, absl::Hours(1)};
  domain::Silence created = Create(s, "sil-1");
  Decision inside = Decide(Safety("a1", "S1", "c-1"));
  EXPECT_EQ(inside.outcome, Outcome::kSilenced);
  EXPECT_EQ(inside.silence_id, created.id);

  clock_.Advance(absl::Hours(1));  // 21:26
  EXPECT_EQ(Decide(Safety("a2", "S1", "c-2")).outcome, Outcome::kOpened);
}

class MutedListTest : public SilencesTest {
 protected:
  // The fingerprints ListMutedAlerts(filter) answers, in its order.
  std::vector<std::string> Muted(const MutedAlertFilter& filter) {
    auto kept = commands_.ListMutedAlerts(filter);
    EXPECT_TRUE(kept.ok()) << kept.status();
    std::vector<std::string> out;
    for (const ports::MutedAlert& k : kept.value_or(std::vector<ports::MutedAlert>{})) {
      out.push_back(k.fingerprint);
    }
    return out;
  }
  static std::string FingerprintOf(const domain::Alert& alert) {
    return domain::AlertKey(alert.source, alert.labels);
  }
  // Opens an outage incident at `station`: it inhibits its complaint alerts.
  std::string OpenOutage(const std::string& station) {
    Decision d = Decide(WithLabels(absl::StrCat("outage-", station),
                                   {{"alertname", "SqmsDown"}, {"station", station}},
                                   clock_.Now()));
    EXPECT_EQ(d.outcome, Outcome::kOpened);
    return d.incident_id;
  }
};

TEST_F(MutedListTest, ListsTheKeptAlertsOldestFirstWithWhatMutesThem) {
  const domain::Silence silence = Create(StationSilence("S1", absl::Hours(1)), "sil-1");
  const domain::Alert first = Safety("a1", "S1", "c-1");
  ASSERT_EQ(Decide(first).outcome, Outcome::kSilenced);
  clock_.Advance(absl::Minutes(1));
  const std::string outage = OpenOutage("S2");
  const domain::Alert inhibited = Safety("a2", "S2", "c-2");
  ASSERT_EQ(Decide(inhibited).outcome, Outcome::kInhibited);
  clock_.Advance(absl::Minutes(1));
  const domain::Alert second = Safety("a3", "S1", "c-3");
  ASSERT_EQ(Decide(second).outcome, Outcome::kSilenced);

  auto kept = commands_.ListMutedAlerts({});
  ASSERT_TRUE(kept.ok()) << kept.status();
  ASSERT_THAT(*kept, SizeIs(3));
  EXPECT_EQ((*kept)[0].fingerprint, FingerprintOf(first));
  EXPECT_EQ((*kept)[0].kept_at, kT0);
  EXPECT_EQ((*kept)[0].alert.labels.at("complaint_id"), "c-1");
  ASSERT_THAT((*kept)[0].mutes, SizeIs(1));
  EXPECT_EQ((*kept)[0].mutes[0].plan_id, "safety");
  EXPECT_EQ((*kept)[0].mutes[0].silence_id, silence.id);
  EXPECT_EQ((*kept)[0].mutes[0].inhibited_by, "");
  EXPECT_EQ((*kept)[1].fingerprint, FingerprintOf(inhibited));
  ASSERT_THAT((*kept)[1].mutes, SizeIs(1));
  EXPECT_EQ((*kept)[1].mutes[0].inhibited_by, outage);
  EXPECT_EQ((*kept)[1].mutes[0].silence_id, "");
  EXPECT_EQ((*kept)[2].fingerprint, FingerprintOf(second));
  EXPECT_EQ((*kept)[2].kept_at, kT0 + absl::Minutes(2));
}

TEST_F(MutedListTest, FiltersSelectByOneMute) {
  const domain::Silence silence = Create(StationSilence("S1", absl::Hours(1)), "sil-1");
  const domain::Alert silenced = Safety("a1", "S1", "c-1");
  ASSERT_EQ(Decide(silenced).outcome, Outcome::kSilenced);
  const std::string outage = OpenOutage("S2");
  const domain::Alert inhibited = Safety("a2", "S2", "c-2");
  ASSERT_EQ(Decide(inhibited).outcome, Outcome::kInhibited);

  EXPECT_THAT(Muted({.plan_id = "", .silence_id = silence.id, .inhibited_by = ""}),
              ElementsAre(FingerprintOf(silenced)));
  EXPECT_THAT(Muted({.plan_id = "", .silence_id = "", .inhibited_by = outage}),
              ElementsAre(FingerprintOf(inhibited)));
  EXPECT_THAT(Muted({.plan_id = "safety", .silence_id = "", .inhibited_by = ""}), SizeIs(2));
  EXPECT_THAT(Muted({.plan_id = "safety", .silence_id = silence.id, .inhibited_by = ""}),
              ElementsAre(FingerprintOf(silenced)));
  EXPECT_THAT(Muted({.plan_id = "answer", .silence_id = silence.id, .inhibited_by = ""}),
              IsEmpty());
  EXPECT_THAT(Muted({.plan_id = "", .silence_id = "sil-none", .inhibited_by = ""}), IsEmpty());
}

TEST_F(MutedListTest, AKeptAlertOfOneTimeIsOrderedByFingerprint) {
  Create(StationSilence("S1", absl::Hours(1)), "sil-1");
  const domain::Alert a = Safety("a1", "S1", "c-1");
  const domain::Alert b = Safety("a2", "S1", "c-2");
  ASSERT_EQ(Decide(a).outcome, Outcome::kSilenced);
  ASSERT_EQ(Decide(b).outcome, Outcome::kSilenced);
  std::vector<std::string> expected = {FingerprintOf(a), FingerprintOf(b)};
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(Muted({}), expected);
}

TEST_F(MutedListTest, ASilenceAndAnIncidentTogetherNameTheInhibitedByField) {
  auto kept = commands_.ListMutedAlerts(
      {.plan_id = "", .silence_id = "sil-1", .inhibited_by = "INC-1"});
  EXPECT_EQ(kept.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(Fields(kept.status()), ElementsAre("inhibited_by"));
}

TEST_F(MutedListTest, AnAlertDecidedAgainAfterItsSilenceExpiredIsNoLongerListed) {
  const domain::Silence silence = Create(StationSilence("S1", absl::Hours(1)), "sil-1");
  ASSERT_EQ(Decide(Safety("a1", "S1", "c-1")).outcome, Outcome::kSilenced);
  ASSERT_THAT(Muted({.plan_id = "", .silence_id = silence.id, .inhibited_by = ""}), SizeIs(1));

  clock_.Advance(absl::Minutes(10));
  ASSERT_TRUE(commands_.ExpireSilence(silence.id).ok());
  for (int pass = 0; pass < 5 && FireDueTimers() > 0; ++pass) {
  }
  EXPECT_THAT(Muted({}), IsEmpty());
  EXPECT_THAT(
      store_.List({.active_only = true, .plan_id = "safety", .limit = 10, .after = std::nullopt})
          .value(),
      SizeIs(1));
}

}  // namespace
}  // namespace sqms::alerts::app::testing
