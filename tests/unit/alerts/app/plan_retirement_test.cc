// Retired plans (app/plan_changes.h): a plan removed from the config file
// while incidents opened under it are open keeps paging them until they
// are acknowledged — escalation, acknowledgement expiry, resolution,
// reports — and does nothing else; once none is open it is dropped. A
// plan nobody recorded gets a stand-in from its incidents' pages, and an
// incident whose plan is not known at all keeps its escalation timer.
//
// A restart is modelled on the fixture's catalog: the new config file's
// plans are installed in it and a new PlanChanges (the restarted
// replica's) is made over it, as alerts_service_server.cc does.

#include <string>
#include <vector>

#include "services/alerts/app/plan_changes.h"
#include "services/alerts/codec/plan_codec.h"
#include "tests/unit/alerts/app/alerts_app_fixture.h"

namespace sqms::alerts::app::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

class PlanRetirementTest : public AlertsAppTest {
 protected:
  // With the risk and targets of its plans, against which an UpsertPlan
  // is validated.
  PlanRetirementTest() : AlertsAppTest(ConfiguredCatalog()) {}
  // The replica before the deploy: the fixture's plans, recorded as last
  // known by its first refresh.
  void StartBefore() {
    before_ = std::make_unique<PlanChanges>(store_, catalog_, &codec::PlanFingerprint);
    ASSERT_TRUE(before_->Refresh().ok());
  }

  // The restart after a deploy whose config file lacks plan `removed`:
  // the file's plans installed, then the restarted replica's first
  // refresh. The stderr it logged.
  std::string RestartWithout(const std::string& removed) {
    std::vector<domain::Plan> file = TestCatalog().plans;
    std::erase_if(file, [&](const domain::Plan& p) { return p.id == removed; });
    catalog_.ReplacePlans(std::move(file), {});
    after_ = std::make_unique<PlanChanges>(store_, catalog_, &codec::PlanFingerprint);
    ::testing::internal::CaptureStderr();
    const absl::Status refreshed = after_->Refresh();
    const std::string log = ::testing::internal::GetCapturedStderr();
    EXPECT_TRUE(refreshed.ok()) << refreshed;
    return log;
  }
  void Refresh() { ASSERT_TRUE(after_->Refresh().ok()); }

  std::vector<std::string> KnownPlanIds() {
    absl::StatusOr<std::vector<ports::StoredPlan>> known = store_.ListKnownPlans();
    EXPECT_TRUE(known.ok()) << known.status();
    std::vector<std::string> ids;
    if (!known.ok()) return ids;
    for (const ports::StoredPlan& k : *known) ids.push_back(k.id);
    return ids;
  }

  std::unique_ptr<PlanChanges> before_;
  std::unique_ptr<PlanChanges> after_;
};

TEST_F(PlanRetirementTest, TheFirstRefreshRecordsThePlansInForceAsLastKnown) {
  StartBefore();
  EXPECT_THAT(KnownPlanIds(), ElementsAre("answer", "manual", "outage", "safety"));
  EXPECT_THAT(catalog_.Snapshot()->retired_plans, IsEmpty());
}

TEST_F(PlanRetirementTest, AnOpenIncidentKeepsEscalatingAfterItsPlanLeftTheConfig) {
  StartBefore();
  const std::string id = OpenSafety("S1");
  const std::string log = RestartWithout("safety");
  EXPECT_THAT(log, HasSubstr("plan gone from the configuration is retired"));
  EXPECT_THAT(log, HasSubstr("\"plan\":\"safety\""));
  EXPECT_THAT(log, HasSubstr("\"open_incidents\":1"));
  const auto catalog = catalog_.Snapshot();
  EXPECT_TRUE(catalog->IsRetired("safety"));
  EXPECT_EQ(catalog->FindPlanInForce("safety"), nullptr) << "not among the plans in force";
  EXPECT_EQ(after_->health().plans_retired, 1);

  // The chain as the plan had it: tier 1 again after 5 min, tier 2 after 10.
  clock_.Advance(absl::Minutes(5));
  EXPECT_EQ(FireDueTimers(), 1);
  clock_.Advance(absl::Minutes(5));
  EXPECT_EQ(FireDueTimers(), 1);
  EXPECT_THAT(Pages(id),
              ElementsAre("triggered 0.0 sink", "triggered 0.0 robot", "repeated 0.1 sink",
                          "repeated 0.1 robot", "escalated 1.0 sink"));
  EXPECT_EQ(Incident(id).state, domain::IncidentState::kTriggered);

  // Pages stop at acknowledgement, as always.
  ASSERT_TRUE(commands_.Acknowledge(id, Ctx("ack-1"), "on it").ok());
  clock_.Advance(absl::Minutes(10));
  EXPECT_EQ(FireDueTimers(), 0);
  EXPECT_EQ(Pages(id).size(), 5u);
}

TEST_F(PlanRetirementTest, AnExpiredAcknowledgementPagesAgainUnderARetiredPlan) {
  StartBefore();
  const std::string id = OpenSafety("S1");
  ASSERT_TRUE(commands_.Acknowledge(id, Ctx("ack-1"), "looking").ok());
  RestartWithout("safety");
  clock_.Advance(absl::Minutes(30));  // the plan's ack_expiry
  EXPECT_EQ(FireDueTimers(), 1);
  const ports::Incident incident = Incident(id);
  EXPECT_EQ(incident.state, domain::IncidentState::kTriggered);
  EXPECT_THAT(Pages(id), ElementsAre("triggered 0.0 sink", "triggered 0.0 robot",
                                     "repeated 0.0 sink", "repeated 0.0 robot"));
  EXPECT_NE(incident.next_escalation_at, absl::InfiniteFuture()) << "and escalates on";
}

TEST_F(PlanRetirementTest, ARetiredPlanTakesNoNewAlertAndOpensNoDrill) {
  StartBefore();
  const std::string id = OpenSafety("S1");
  RestartWithout("safety");
  EXPECT_THAT(Process(Safety("new-S2", "S2", "c-2")).decisions, IsEmpty()) << "opens nothing";
  EXPECT_THAT(Process(Safety("new-S1", "S1", "c-3")).decisions, IsEmpty()) << "joins nothing";
  EXPECT_EQ(Incident(id).alerts_total, 1);
  absl::StatusOr<ports::Incident> drill =
      commands_.StartDrill("safety", {{"station", "S9"}}, Ctx("drill-1"));
  EXPECT_EQ(drill.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(drill.status().message()), HasSubstr("retired"));
}

TEST_F(PlanRetirementTest, ItsIncidentsResolveAndReportAndThenItIsDropped) {
  StartBefore();
  const domain::Alert alert = Safety("open-S1", "S1", "c-1");
  const std::string id = Decide(alert).incident_id;
  ClaimPending(id);  // tier 0's pages go out
  ASSERT_TRUE(commands_.CompleteStep(id, Ctx("step-0"), 0).ok());
  RestartWithout("safety");

  // A resolved alert still resolves its incident (the plan resolves
  // automatically), with "resolved" notices to the tier paged.
  Decision resolved = Decide(Resolved(alert, "resolve-S1"));
  EXPECT_EQ(resolved.outcome, Outcome::kResolved);
  EXPECT_EQ(Incident(id).state, domain::IncidentState::kResolved);
  EXPECT_THAT(Pages(id), ElementsAre("triggered 0.0 sink", "triggered 0.0 robot",
                                     "resolved 0.0 sink", "resolved 0.0 robot"));

  // None of its incidents is open: dropped here and from the store.
  ::testing::internal::CaptureStderr();
  Refresh();
  EXPECT_THAT(::testing::internal::GetCapturedStderr(), HasSubstr("retired plan dropped"));
  EXPECT_FALSE(catalog_.Snapshot()->IsRetired("safety"));
  EXPECT_EQ(catalog_.Snapshot()->FindPlan("safety"), nullptr);
  EXPECT_THAT(KnownPlanIds(), ElementsAre("answer", "manual", "outage"));
}

TEST_F(PlanRetirementTest, ADrillOfARetiredPlanStillReportsItsSteps) {
  StartBefore();
  absl::StatusOr<ports::Incident> drill =
      commands_.StartDrill("safety", {{"station", "S9"}}, Ctx("drill-1"));
  ASSERT_TRUE(drill.ok()) << drill.status();
  RestartWithout("safety");
  absl::StatusOr<DrillReport> report = commands_.Report(drill->id);
  ASSERT_TRUE(report.ok()) << report.status();
  ASSERT_EQ(report->steps.size(), 2u);
  EXPECT_EQ(report->steps[0].title, "Confirm on site");
  EXPECT_EQ(report->steps[1].expected_minutes, 30);
}

TEST_F(PlanRetirementTest, APlanGoneWithoutOpenIncidentsIsDroppedAtOnce) {
  StartBefore();
  OpenSafety("S1");
  RestartWithout("manual");
  EXPECT_THAT(catalog_.Snapshot()->retired_plans, IsEmpty());
  EXPECT_THAT(KnownPlanIds(), ElementsAre("answer", "outage", "safety"));
}

TEST_F(PlanRetirementTest, AnUpsertPutsARetiredPlanBackInForce) {
  StartBefore();
  OpenSafety("S1");
  RestartWithout("safety");
  const domain::Plan* retired = catalog_.Snapshot()->FindPlan("safety");
  ASSERT_NE(retired, nullptr);
  absl::StatusOr<domain::Plan> stored = after_->Upsert(*retired, 0);
  ASSERT_TRUE(stored.ok()) << stored.status();
  EXPECT_NE(catalog_.Snapshot()->FindPlanInForce("safety"), nullptr);
  EXPECT_FALSE(catalog_.Snapshot()->IsRetired("safety"));
  Refresh();
  EXPECT_FALSE(catalog_.Snapshot()->IsRetired("safety"));
  EXPECT_EQ(Decide(Safety("new-S2", "S2", "c-2")).outcome, Outcome::kOpened);
}

TEST_F(PlanRetirementTest, APlanNobodyRecordedPagesThroughAStandInFromItsPages) {
  // Opened before last known plans were recorded (no refresh before).
  const std::string id = OpenSafety("S1");
  const std::string log = RestartWithout("safety");
  EXPECT_THAT(log, HasSubstr("stand-in rebuilt from their pages"));
  const domain::Plan* stand_in = catalog_.Snapshot()->FindPlan("safety");
  ASSERT_NE(stand_in, nullptr);
  EXPECT_TRUE(catalog_.Snapshot()->IsRetired("safety"));
  ASSERT_EQ(stand_in->escalation.size(), 1u);
  EXPECT_THAT(stand_in->escalation[0].targets, ElementsAre("sink", "robot"));
  EXPECT_THAT(stand_in->escalation[0].notify, ElementsAre("user:first"));
  EXPECT_THAT(stand_in->triggers, IsEmpty());

  clock_.Advance(absl::Minutes(5));  // the old plan's timer, due as scheduled
  EXPECT_EQ(FireDueTimers(), 1);
  EXPECT_THAT(Pages(id), ElementsAre("triggered 0.0 sink", "triggered 0.0 robot",
                                     "repeated 0.0 sink", "repeated 0.0 robot"));
}

TEST_F(PlanRetirementTest, AnIncidentAnOlderReplicaOpensLaterIsFoundWithinAMinute) {
  // The new replica starts without plan "safety" and reads no open
  // incident; then an older replica (one that records no last known plans,
  // during a rolling deploy) opens one under "safety".
  RestartWithout("safety");
  std::vector<domain::Plan> without_safety = catalog_.Snapshot()->plans;
  catalog_.ReplacePlans(TestCatalog().plans, {});
  OpenSafety("S1");
  catalog_.ReplacePlans(std::move(without_safety), {});
  // Refreshes with nothing retired skip the read of every open incident …
  for (int i = 0; i < 59; ++i) Refresh();
  EXPECT_FALSE(catalog_.Snapshot()->IsRetired("safety"));
  // … but not for more than about a minute: the incident gets its stand-in.
  ::testing::internal::CaptureStderr();
  Refresh();
  EXPECT_THAT(::testing::internal::GetCapturedStderr(),
              HasSubstr("stand-in rebuilt from their pages"));
  EXPECT_TRUE(catalog_.Snapshot()->IsRetired("safety"));
}

TEST_F(PlanRetirementTest, AnIncidentWhosePlanIsNotKnownKeepsItsEscalationTimer) {
  const std::string id = OpenSafety("S1");
  // The plans refresh has not run (Redis unreachable at start-up).
  std::vector<domain::Plan> file = TestCatalog().plans;
  std::erase_if(file, [](const domain::Plan& p) { return p.id == "safety"; });
  catalog_.ReplacePlans(std::move(file), {});
  clock_.Advance(absl::Minutes(5));
  const std::string timer = changes::EscalationTimer(id, 0);
  ASSERT_TRUE(IncidentTimers().contains(timer));
  EXPECT_EQ(escalator_.OnTimer(timer).code(), absl::StatusCode::kUnavailable);
  EXPECT_TRUE(IncidentTimers().contains(timer)) << "retried, not dropped";
}

}  // namespace
}  // namespace sqms::alerts::app::testing
