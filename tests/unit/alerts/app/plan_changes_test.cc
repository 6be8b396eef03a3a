// UpsertPlan made durable and shared (app/plan_changes.h), on the
// in-memory store: a change is in force at once on the replica that took
// it, on every other at its next refresh, and after a restart; a stale
// version changes nothing; the config file's plan wins again once edited;
// a stored plan that no longer validates never takes the service down.

#include <memory>
#include <string>

#include "services/alerts/app/plan_changes.h"
#include "absl/strings/str_cat.h"
#include "services/alerts/codec/plan_codec.h"
#include "tests/unit/alerts/app/alerts_app_fixture.h"

namespace sqms::alerts::app::testing {
namespace {

// The fixture's plans, with the risks and targets they name.
CatalogData Config() { return ConfiguredCatalog(); }

// A rotation "noc" (the fixture's catalog has none).
domain::Rotation Noc() {
  domain::Rotation noc;
  noc.id = "noc";
  noc.members = {"li"};
  return noc;
}

// One sqms-alerts replica's plans: its catalog (from `config`) and its
// PlanChanges on the shared store.
struct Replica {
  Replica(ports::AlertStore& store, CatalogData config)
      : catalog(std::move(config)), plans(store, catalog, &codec::PlanFingerprint) {}

  domain::Plan Plan(const std::string& id) const {
    const auto snapshot = catalog.Snapshot();
    const domain::Plan* plan = snapshot->FindPlan(id);
    EXPECT_NE(plan, nullptr) << id;
    return plan == nullptr ? domain::Plan{} : *plan;
  }
  void Refresh() { ASSERT_TRUE(plans.Refresh().ok()); }

  Catalog catalog;
  PlanChanges plans;
};

class PlanChangesTest : public AlertsAppTest {
 protected:
  // catalog_ (the fixture's processor reads it) knows the risks and targets
  // of its plans, as a loaded config file does: plans validate against it.
  PlanChangesTest() : AlertsAppTest(ConfiguredCatalog()) {}

  // The file's plan `id` of replica `r`, renamed.
  static domain::Plan Renamed(const Replica& r, const std::string& id, const std::string& name) {
    domain::Plan plan = r.Plan(id);
    plan.name = name;
    return plan;
  }
  domain::Plan Upsert(Replica& r, domain::Plan plan, int64_t expected) {
    absl::StatusOr<domain::Plan> stored = r.plans.Upsert(std::move(plan), expected);
    EXPECT_TRUE(stored.ok()) << stored.status();
    return stored.ok() ? *stored : domain::Plan{};
  }

  Replica r0_{store_, Config()};
  Replica r1_{store_, Config()};
};

TEST_F(PlanChangesTest, AnUpsertIsInForceAtOnceOnTheReplicaThatTookIt) {
  EXPECT_EQ(r0_.Plan("manual").version, 1);
  domain::Plan stored = Upsert(r0_, Renamed(r0_, "manual", "Manual v2"), 1);
  EXPECT_EQ(stored.version, 2);
  EXPECT_EQ(r0_.Plan("manual").name, "Manual v2");
  EXPECT_EQ(r0_.Plan("manual").version, 2);
  std::vector<ports::StoredPlan> kept = *store_.ListPlans();
  ASSERT_EQ(kept.size(), 1u);
  EXPECT_EQ(kept[0].plan.name, "Manual v2");
  EXPECT_EQ(kept[0].version, 2);
}

TEST_F(PlanChangesTest, AnotherReplicaHasItAfterItsNextRefresh) {
  Upsert(r0_, Renamed(r0_, "manual", "Manual v2"), 1);
  EXPECT_EQ(r1_.Plan("manual").version, 1) << "not before its refresh";
  r1_.Refresh();
  EXPECT_EQ(r1_.Plan("manual").version, 2);
  EXPECT_EQ(r1_.Plan("manual").name, "Manual v2");
  EXPECT_EQ(r1_.Plan("safety").version, 1) << "the other plans are the file's";
}

TEST_F(PlanChangesTest, ARestartedReplicaKeepsTheChange) {
  Upsert(r0_, Renamed(r0_, "manual", "Manual v2"), 1);
  Replica restarted(store_, Config());
  EXPECT_EQ(restarted.Plan("manual").name, "Plan manual") << "the file's, before the first refresh";
  restarted.Refresh();
  EXPECT_EQ(restarted.Plan("manual").name, "Manual v2");
  EXPECT_EQ(restarted.Plan("manual").version, 2);
}

TEST_F(PlanChangesTest, AStaleVersionIsAbortedAndChangesNothing) {
  Upsert(r0_, Renamed(r0_, "manual", "Manual v2"), 1);
  absl::StatusOr<domain::Plan> stale = r1_.plans.Upsert(Renamed(r1_, "manual", "Stale"), 1);
  EXPECT_EQ(stale.status().code(), absl::StatusCode::kAborted);
  EXPECT_EQ(stale.status().message(), "plan manual is at version 2, not 1");
  EXPECT_EQ(r1_.Plan("manual").name, "Plan manual") << "nothing installed";
  r1_.Refresh();
  EXPECT_EQ(r1_.Plan("manual").name, "Manual v2");
  EXPECT_EQ((*store_.ListPlans())[0].version, 2);
}

TEST_F(PlanChangesTest, ARetryOfAWriteThatLandedIsAnsweredAsTheWriteWas) {
  Upsert(r0_, Renamed(r0_, "manual", "Manual v2"), 1);
  // The answer was lost; the client retries, through another replica.
  domain::Plan retried = Upsert(r1_, Renamed(r1_, "manual", "Manual v2"), 1);
  EXPECT_EQ(retried.version, 2);
  EXPECT_EQ(retried.name, "Manual v2");
  EXPECT_EQ(r1_.Plan("manual").version, 2) << "in force on the replica that answered";
  EXPECT_EQ((*store_.ListPlans())[0].version, 2) << "written once";

  domain::Plan extra = r0_.Plan("manual");
  extra.id = "extra";
  EXPECT_EQ(Upsert(r0_, extra, 0).version, 1);
  EXPECT_EQ(Upsert(r0_, extra, 0).version, 1) << "a create retried";

  // Once it moved on, the retry cannot tell its write from another's.
  Upsert(r0_, Renamed(r0_, "manual", "Manual v3"), 2);
  EXPECT_EQ(r1_.plans.Upsert(Renamed(r1_, "manual", "Manual v2"), 1).status().code(),
            absl::StatusCode::kAborted);
}

TEST_F(PlanChangesTest, ANegativeExpectedVersionIsRefusedOnItsField) {
  absl::StatusOr<domain::Plan> refused = r0_.plans.Upsert(Renamed(r0_, "manual", "x"), -1);
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(Fields(refused.status()), ::testing::ElementsAre("expected_version"));
}

TEST_F(PlanChangesTest, CreateIsForNewPlansOnly) {
  absl::StatusOr<domain::Plan> known = r0_.plans.Upsert(Renamed(r0_, "manual", "again"), 0);
  EXPECT_EQ(known.status().code(), absl::StatusCode::kAborted);
  EXPECT_EQ(known.status().message(), "plan manual is at version 1, not 0");

  domain::Plan extra = r0_.Plan("manual");
  extra.id = "extra";
  EXPECT_EQ(Upsert(r0_, extra, 0).version, 1);
  EXPECT_EQ(r0_.Plan("extra").version, 1);
  r1_.Refresh();
  EXPECT_EQ(r1_.Plan("extra").name, "Plan manual");
  EXPECT_EQ(r1_.catalog.Snapshot()->plans.back().id, "extra") << "after the file's plans";
}

TEST_F(PlanChangesTest, AnInvalidPlanIsRefusedNamingTheFieldsAndNotStored) {
  domain::Plan plan = r0_.Plan("manual");
  plan.risk_id = "no-such-risk";
  plan.escalation[0].targets = {"sink", "nowhere"};
  absl::StatusOr<domain::Plan> refused = r0_.plans.Upsert(plan, 1);
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(Fields(refused.status()),
              ::testing::ElementsAre("plan.risk_id", "plan.escalation[0].targets[1]"));
  EXPECT_TRUE(store_.ListPlans()->empty());
  EXPECT_EQ(r0_.Plan("manual").risk_id, "test-risk");
}

// docs/alerts.md: plans from the API are validated as at start-up — the
// rotations a tier pages and the limits of alerts.yaml included.
TEST_F(PlanChangesTest, APlanStartUpWouldRefuseIsRefusedNamingTheFields) {
  CatalogData config = Config();
  config.rotations.push_back(Noc());
  Replica r(store_, config);
  domain::Plan plan = r.Plan("manual");
  plan.escalation[0].notify = {"rotation:nosuch", "rotation:noc"};
  plan.steps.push_back({.title = "Call", .owner_role = "duty", .expected_minutes = 99999});
  absl::StatusOr<domain::Plan> refused = r.plans.Upsert(plan, 1);
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(Fields(refused.status()),
              ::testing::ElementsAre(
                  absl::StrCat("plan.steps[", plan.steps.size() - 1, "].expected_minutes"),
                  "plan.escalation[0].notify[0]"));
  EXPECT_TRUE(store_.ListPlans()->empty());

  plan.escalation[0].notify = {"rotation:noc"};
  plan.steps.back().expected_minutes = 30;
  EXPECT_EQ(Upsert(r, plan, 1).version, 2) << "a known rotation and minutes in range";
}

TEST_F(PlanChangesTest, ATierThatWouldPageNobodyIsRefusedAndNotStored) {
  domain::Plan plan = r0_.Plan("safety");
  plan.escalation[1].targets.clear();  // user:second, but no webhook to reach them
  absl::StatusOr<domain::Plan> refused = r0_.plans.Upsert(plan, 1);
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(Fields(refused.status()), ::testing::ElementsAre("plan.escalation[1].targets"));
  EXPECT_TRUE(store_.ListPlans()->empty());
  EXPECT_EQ(r0_.Plan("safety").escalation[1].targets, std::vector<std::string>{"sink"});
}

// requirements.md §3.1: a high or critical risk has a plan. The file is
// checked at load; plans cannot be deleted through the API, so only a
// change of a plan's risk could leave one without.
TEST_F(PlanChangesTest, AnUpsertMayNotTakeTheLastPlanAwayFromAHighOrCriticalRisk) {
  CatalogData config = Config();
  config.risks.push_back({.id = "outages", .name = "Outages", .probability = 4, .impact = 5});
  config.risks.push_back({.id = "minor", .name = "Minor", .probability = 1, .impact = 2});
  for (domain::Plan& p : config.plans) {
    if (p.id == "outage") p.risk_id = "outages";
  }
  Replica r(store_, config);
  domain::Plan moved = r.Plan("outage");
  moved.risk_id = "minor";
  absl::StatusOr<domain::Plan> refused = r.plans.Upsert(moved, 1);
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kInvalidArgument);
  const std::vector<runtime::FieldViolation> violations =
      runtime::FieldViolations(refused.status());
  ASSERT_EQ(violations.size(), 1u);
  EXPECT_EQ(violations[0].field, "plan.risk_id");
  EXPECT_EQ(violations[0].description,
            "risk 'outages' is critical (score 20) and would have no plan left (plan outage is "
            "its last): a high or critical risk needs one");
  EXPECT_TRUE(store_.ListPlans()->empty());
  EXPECT_EQ(r.Plan("outage").risk_id, "outages");

  // The high risk test-risk keeps three other plans: one may move.
  domain::Plan manual = r.Plan("manual");
  manual.risk_id = "minor";
  EXPECT_EQ(Upsert(r, manual, 1).risk_id, "minor");
}

TEST_F(PlanChangesTest, AnEditedConfigFileWinsUntilTheNextUpsert) {
  Upsert(r0_, Renamed(r0_, "manual", "From the API"), 1);
  CatalogData edited = Config();
  for (domain::Plan& p : edited.plans) {
    if (p.id == "manual") p.name = "Edited in the file";
  }
  Replica after_deploy(store_, edited);
  after_deploy.Refresh();
  EXPECT_EQ(after_deploy.Plan("manual").name, "Edited in the file");
  EXPECT_EQ(after_deploy.Plan("manual").version, 3) << "one above the stored plan";

  EXPECT_EQ(after_deploy.plans.Upsert(Renamed(after_deploy, "manual", "x"), 2).status().code(),
            absl::StatusCode::kAborted);
  // The first write retried: stored at 2 still, but the file's 3 is in
  // force, so it is stale, not landed — nor installed over the file's.
  EXPECT_EQ(
      after_deploy.plans.Upsert(Renamed(after_deploy, "manual", "From the API"), 1).status().code(),
      absl::StatusCode::kAborted);
  EXPECT_EQ(after_deploy.Plan("manual").name, "Edited in the file");
  Upsert(after_deploy, Renamed(after_deploy, "manual", "From the API again"), 3);
  Replica restarted(store_, edited);
  restarted.Refresh();
  EXPECT_EQ(restarted.Plan("manual").name, "From the API again");
  EXPECT_EQ(restarted.Plan("manual").version, 4);
}

TEST_F(PlanChangesTest, AStoredPlanThatNoLongerValidatesLeavesTheFilesPlanInForce) {
  // Stored while target "robot" existed; the file has since dropped it.
  domain::Plan uses_robot = r0_.Plan("manual");
  uses_robot.name = "Pages the robot";
  uses_robot.escalation[0].targets = {"robot"};
  Upsert(r0_, uses_robot, 1);
  CatalogData without_robot = Config();
  without_robot.targets.pop_back();
  Replica restarted(store_, without_robot);
  restarted.Refresh();
  EXPECT_EQ(restarted.Plan("manual").name, "Plan manual") << "the file's";
  EXPECT_EQ(restarted.Plan("manual").version, 2) << "at the stored version, to repair it";
  restarted.Refresh();  // logged once, still fine

  // A plan only the store has, invalid now: not in force at all.
  uses_robot.id = "api-only";
  Upsert(r0_, uses_robot, 0);
  restarted.Refresh();
  EXPECT_EQ(restarted.catalog.Snapshot()->FindPlan("api-only"), nullptr);

  EXPECT_EQ(Upsert(restarted, Renamed(restarted, "manual", "Repaired"), 2).version, 3);
}

// The gauges an SRE is paged by (sqms_alerts_stored_plans_invalid,
// sqms_alerts_risks_without_plan): a log line once is easy to miss.
TEST_F(PlanChangesTest, HealthCountsTheStoredPlansOutOfForceAndTheRisksLeftWithoutPlan) {
  domain::Plan uses_robot = r0_.Plan("manual");
  uses_robot.escalation[0].targets = {"robot"};
  Upsert(r0_, uses_robot, 1);
  uses_robot.id = "api-only";
  Upsert(r0_, uses_robot, 0);
  CatalogData without_robot = Config();
  without_robot.targets.pop_back();
  // A critical risk no plan names.
  without_robot.risks.push_back({.id = "flood", .name = "Flood", .probability = 5, .impact = 5});
  Replica restarted(store_, without_robot);
  EXPECT_EQ(restarted.plans.health().stored_plans_invalid, 0) << "nothing read yet";

  restarted.Refresh();
  PlanChanges::Health health = restarted.plans.health();
  EXPECT_EQ(health.stored_plans_invalid, 2) << "manual (the file's in force) and api-only";
  EXPECT_EQ(health.risks_without_plan, 1) << "flood";
  EXPECT_EQ(health.plans_retired, 0);
  restarted.Refresh();
  EXPECT_EQ(restarted.plans.health().stored_plans_invalid, 2) << "counted again, not once";

  Upsert(restarted, Renamed(restarted, "manual", "Repaired"), 2);
  domain::Plan flood_plan = restarted.Plan("manual");
  flood_plan.id = "flood-plan";
  flood_plan.risk_id = "flood";
  Upsert(restarted, flood_plan, 0);
  restarted.Refresh();
  health = restarted.plans.health();
  EXPECT_EQ(health.stored_plans_invalid, 1) << "api-only";
  EXPECT_EQ(health.risks_without_plan, 0);

  // The plan only the store has is repaired at its stored version.
  uses_robot.escalation[0].targets = {"sink"};
  Upsert(restarted, uses_robot, 1);
  restarted.Refresh();
  EXPECT_EQ(restarted.plans.health().stored_plans_invalid, 0);
}

// A plan stored before a rotation left the file (or before this release
// checked rotations) is logged and the file's plan stays, as for a target.
TEST_F(PlanChangesTest, AStoredPlanNamingARotationNoLongerConfiguredLeavesTheFilesPlan) {
  CatalogData with_noc = Config();
  with_noc.rotations.push_back(Noc());
  Replica before(store_, with_noc);
  domain::Plan pages_noc = before.Plan("manual");
  pages_noc.name = "Pages the NOC";
  pages_noc.escalation[0].notify = {"rotation:noc"};
  Upsert(before, pages_noc, 1);

  Replica restarted(store_, Config());  // the file no longer has rotation noc
  restarted.Refresh();
  EXPECT_EQ(restarted.Plan("manual").name, "Plan manual") << "the file's";
  EXPECT_EQ(restarted.Plan("manual").version, 2) << "at the stored version, to repair it";
}

TEST_F(PlanChangesTest, AnAlertAfterTheChangeIsHandledByTheChangedPlan) {
  // The fixture's processor reads catalog_: this replica refreshes into it.
  PlanChanges here(store_, catalog_, &codec::PlanFingerprint);
  domain::Plan manual = r0_.Plan("manual");
  manual.triggers[0].matchers = {M("alertname", "=", "ManualV2")};
  manual.level = domain::ResponseLevel::kI;
  Upsert(r0_, manual, 1);
  ASSERT_TRUE(here.Refresh().ok());

  Decision d = Decide(WithLabels("a-1", {{"alertname", "ManualV2"}}, clock_.Now()));
  EXPECT_EQ(d.plan_id, "manual");
  EXPECT_EQ(d.outcome, Outcome::kOpened);
  EXPECT_EQ(Incident(d.incident_id).level, "I");
  EXPECT_TRUE(Process(WithLabels("a-2", {{"alertname", "Manual"}}, clock_.Now())).decisions.empty())
      << "the old trigger no longer matches";
}

// A safety incident is open and its first step done; an admin inserts an
// "Evacuate the platform" step before it. The open incident keeps the
// steps it opened with: step 0 is still "Confirm on site", done by alice,
// and a new incident has the new steps.
TEST_F(PlanChangesTest, AnOpenIncidentKeepsTheStepsItOpenedWith) {
  PlanChanges here(store_, catalog_, &codec::PlanFingerprint);
  const Decision opened = Decide(Safety("s-1", "S1", "c-1"));
  ASSERT_EQ(opened.outcome, Outcome::kOpened);
  ASSERT_TRUE(commands_.CompleteStep(opened.incident_id, Ctx("step-1", "alice"), 0).ok());

  domain::Plan safety = r0_.Plan("safety");
  safety.steps.insert(safety.steps.begin(), {"Evacuate the platform", "duty-manager", 2});
  Upsert(r0_, safety, 1);
  ASSERT_TRUE(here.Refresh().ok());

  const ports::Incident open = Incident(opened.incident_id);
  ASSERT_EQ(open.steps.size(), 2u);
  ASSERT_TRUE(open.steps[0].definition.has_value());
  EXPECT_EQ(open.steps[0].definition->title, "Confirm on site");
  EXPECT_TRUE(open.steps[0].done);
  EXPECT_EQ(open.steps[0].done_by, "alice");
  auto step1 = commands_.CompleteStep(opened.incident_id, Ctx("step-2", "bob"), 1);
  ASSERT_TRUE(step1.ok()) << step1.status();
  EXPECT_EQ(step1->steps[1].definition->title, "Report") << "completing keeps the definition";
  EXPECT_FALSE(commands_.CompleteStep(opened.incident_id, Ctx("step-3", "bob"), 2).ok())
      << "the incident has no third step";

  const Decision other = Decide(Safety("s-2", "S2", "c-2"));
  ASSERT_EQ(other.outcome, Outcome::kOpened);
  EXPECT_EQ(Incident(other.incident_id).steps[0].definition->title, "Evacuate the platform");
}

// An outage incident grouped by station is open; an admin regroups the
// plan by station and region. The alert's resolution gets another group key
// now, yet resolves the incident it fires in — which otherwise stayed open,
// paging its last tier until someone resolved it by hand.
TEST_F(PlanChangesTest, AResolvedAlertResolvesItsIncidentAfterThePlanWasRegrouped) {
  PlanChanges here(store_, catalog_, &codec::PlanFingerprint);
  const domain::Alert down =
      WithLabels("o-1", {{"alertname", "SqmsDown"}, {"station", "S1"}, {"region", "R1"}}, kT0);
  const Decision opened = Decide(down);
  ASSERT_EQ(opened.outcome, Outcome::kOpened);

  domain::Plan outage = r0_.Plan("outage");
  outage.group_by = {"station", "region"};
  Upsert(r0_, outage, 1);
  ASSERT_TRUE(here.Refresh().ok());

  const Decision resolved = Decide(Resolved(down, "o-1-resolved"));
  EXPECT_EQ(resolved.outcome, Outcome::kResolved);
  EXPECT_EQ(resolved.incident_id, opened.incident_id);
  EXPECT_FALSE(domain::IsActive(Incident(opened.incident_id).state));
}

}  // namespace
}  // namespace sqms::alerts::app::testing
