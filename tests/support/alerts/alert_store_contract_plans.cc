// The AlertStore contract, part 3: plans changed through UpsertPlan —
// compare-and-set on the version in force (domain/plan_source.h: the
// config file's plan, the stored one, or the file's again once edited),
// every field kept, nothing changed by a refused write.

#include <gmock/gmock.h>

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "tests/support/alerts/alert_store_contract.h"
#include "tests/support/alerts/contract_helpers.h"

namespace sqms::alerts::testing {
namespace {

using ports::WriteOutcome;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

domain::Matcher M(const std::string& label, const std::string& op, const std::string& value) {
  auto m = domain::Matcher::Make(label, op, value);
  EXPECT_TRUE(m.ok()) << m.status();
  return m.ok() ? *std::move(m) : *domain::Matcher::Make("x", "=", "y");
}

// A plan using every field.
domain::Plan SamplePlan(const std::string& id) {
  domain::Plan p;
  p.id = id;
  p.name = "Safety complaint";
  p.risk_id = "test-risk";
  p.level = domain::ResponseLevel::kI;
  domain::Trigger counted;
  counted.matchers = {M("alertname", "=", "complaint_submitted"), M("station", "=~", "S.*")};
  counted.count = 3;
  counted.within = absl::Minutes(10);
  p.triggers = {counted};
  p.group_by = {"station"};
  p.steps = {{.title = "Confirm", .owner_role = "duty-manager", .expected_minutes = 5}};
  domain::Tier tier;
  tier.notify = {"user:first", "role:duty-manager"};
  tier.targets = {"sink"};
  tier.ack_timeout = absl::Minutes(5);
  tier.repeats = 2;
  p.escalation = {tier};
  p.auto_resolve = false;
  p.outage = true;
  p.ack_expiry = absl::Minutes(30);
  p.known_issue_categories = {"safety"};
  return p;
}

ports::PlanWrite PlanWriteOf(domain::Plan plan, int64_t expected, int64_t config_version = 0,
                             const std::string& config_seed = "") {
  return ports::PlanWrite{.plan = std::move(plan),
                          .expected_version = expected,
                          .config_version = config_version,
                          .config_seed = config_seed,
                          .current_version = 0};
}

std::vector<std::string> Describe(const std::vector<ports::StoredPlan>& plans) {
  std::vector<std::string> out;
  for (const ports::StoredPlan& s : plans) {
    out.push_back(absl::StrCat(s.id, " v", s.version, " seed=", s.seed, " name=", s.plan.name,
                               s.problem.empty() ? "" : " problem"));
  }
  return out;
}

TEST_P(AlertStoreContractTest, NoPlanIsStoredAtFirst) {
  EXPECT_THAT(ValueOf(store().ListPlans()), IsEmpty());
}

TEST_P(AlertStoreContractTest, APlanTheConfigFileLacksIsCreatedAtVersionOne) {
  ports::PlanWrite w = PlanWriteOf(SamplePlan("new"), 0);
  ASSERT_EQ(ValueOf(store().WritePlan(w)), WriteOutcome::kWritten);
  EXPECT_EQ(w.plan.version, 1);
  EXPECT_THAT(Describe(ValueOf(store().ListPlans())),
              ElementsAre("new v1 seed= name=Safety complaint"));

  ports::PlanWrite again = PlanWriteOf(SamplePlan("new"), 0);
  EXPECT_EQ(ValueOf(store().WritePlan(again)), WriteOutcome::kConflict);
  EXPECT_EQ(again.current_version, 1);
}

TEST_P(AlertStoreContractTest, EveryFieldOfAPlanIsKept) {
  ports::PlanWrite w = PlanWriteOf(SamplePlan("full"), 0);
  ASSERT_EQ(ValueOf(store().WritePlan(w)), WriteOutcome::kWritten);
  std::vector<ports::StoredPlan> plans = ValueOf(store().ListPlans());
  ASSERT_EQ(plans.size(), 1u);
  const domain::Plan& got = plans[0].plan;
  const domain::Plan want = SamplePlan("full");
  EXPECT_EQ(got.id, "full");
  EXPECT_EQ(got.version, 1);
  EXPECT_EQ(got.name, want.name);
  EXPECT_EQ(got.risk_id, want.risk_id);
  EXPECT_EQ(got.level, want.level);
  ASSERT_EQ(got.triggers.size(), 1u);
  ASSERT_EQ(got.triggers[0].matchers.size(), 2u);
  EXPECT_EQ(got.triggers[0].matchers[1].ToString(), want.triggers[0].matchers[1].ToString());
  EXPECT_EQ(got.triggers[0].count, 3);
  EXPECT_EQ(got.triggers[0].within, absl::Minutes(10));
  EXPECT_EQ(got.group_by, want.group_by);
  ASSERT_EQ(got.steps.size(), 1u);
  EXPECT_EQ(got.steps[0].owner_role, "duty-manager");
  EXPECT_EQ(got.steps[0].expected_minutes, 5);
  ASSERT_EQ(got.escalation.size(), 1u);
  EXPECT_EQ(got.escalation[0].notify, want.escalation[0].notify);
  EXPECT_EQ(got.escalation[0].targets, want.escalation[0].targets);
  EXPECT_EQ(got.escalation[0].ack_timeout, absl::Minutes(5));
  EXPECT_EQ(got.escalation[0].repeats, 2);
  EXPECT_FALSE(got.auto_resolve);
  EXPECT_TRUE(got.outage);
  EXPECT_EQ(got.ack_expiry, absl::Minutes(30));
  EXPECT_EQ(got.known_issue_categories, want.known_issue_categories);
}

TEST_P(AlertStoreContractTest, AConfigPlanIsChangedFromTheConfigVersion) {
  ports::PlanWrite create = PlanWriteOf(SamplePlan("safety"), 0, 1, "seed-a");
  EXPECT_EQ(ValueOf(store().WritePlan(create)), WriteOutcome::kConflict);
  EXPECT_EQ(create.current_version, 1);
  EXPECT_THAT(ValueOf(store().ListPlans()), IsEmpty());

  ports::PlanWrite change = PlanWriteOf(SamplePlan("safety"), 1, 1, "seed-a");
  ASSERT_EQ(ValueOf(store().WritePlan(change)), WriteOutcome::kWritten);
  EXPECT_EQ(change.plan.version, 2);
  EXPECT_THAT(Describe(ValueOf(store().ListPlans())),
              ElementsAre("safety v2 seed=seed-a name=Safety complaint"));
}

TEST_P(AlertStoreContractTest, AStaleVersionIsAConflictAndChangesNothing) {
  ports::PlanWrite first = PlanWriteOf(SamplePlan("safety"), 1, 1, "seed-a");
  ASSERT_EQ(ValueOf(store().WritePlan(first)), WriteOutcome::kWritten);

  domain::Plan other = SamplePlan("safety");
  other.name = "stale";
  ports::PlanWrite stale = PlanWriteOf(other, 1, 1, "seed-a");
  EXPECT_EQ(ValueOf(store().WritePlan(stale)), WriteOutcome::kConflict);
  EXPECT_EQ(stale.current_version, 2);
  EXPECT_THAT(Describe(ValueOf(store().ListPlans())),
              ElementsAre("safety v2 seed=seed-a name=Safety complaint"));

  ports::PlanWrite next = PlanWriteOf(other, 2, 1, "seed-a");
  ASSERT_EQ(ValueOf(store().WritePlan(next)), WriteOutcome::kWritten);
  EXPECT_EQ(next.plan.version, 3);
  EXPECT_THAT(Describe(ValueOf(store().ListPlans())),
              ElementsAre("safety v3 seed=seed-a name=stale"));
}

TEST_P(AlertStoreContractTest, AnEditedConfigPlanIsInForceOneAboveTheStoredOne) {
  ports::PlanWrite first = PlanWriteOf(SamplePlan("safety"), 1, 1, "seed-a");
  ASSERT_EQ(ValueOf(store().WritePlan(first)), WriteOutcome::kWritten);

  // A writer whose config file has another version of the plan.
  ports::PlanWrite decided_on_stored = PlanWriteOf(SamplePlan("safety"), 2, 1, "seed-b");
  EXPECT_EQ(ValueOf(store().WritePlan(decided_on_stored)), WriteOutcome::kConflict);
  EXPECT_EQ(decided_on_stored.current_version, 3);

  ports::PlanWrite over_new_file = PlanWriteOf(SamplePlan("safety"), 3, 1, "seed-b");
  ASSERT_EQ(ValueOf(store().WritePlan(over_new_file)), WriteOutcome::kWritten);
  EXPECT_EQ(over_new_file.plan.version, 4);
  EXPECT_THAT(Describe(ValueOf(store().ListPlans())),
              ElementsAre("safety v4 seed=seed-b name=Safety complaint"));
}

TEST_P(AlertStoreContractTest, AStoredPlanTheConfigFileDroppedStaysInForce) {
  ports::PlanWrite first = PlanWriteOf(SamplePlan("safety"), 1, 1, "seed-a");
  ASSERT_EQ(ValueOf(store().WritePlan(first)), WriteOutcome::kWritten);
  ports::PlanWrite without_file = PlanWriteOf(SamplePlan("safety"), 2, 0, "");
  ASSERT_EQ(ValueOf(store().WritePlan(without_file)), WriteOutcome::kWritten);
  EXPECT_EQ(without_file.plan.version, 3);
}

TEST_P(AlertStoreContractTest, PlansAreListedById) {
  for (const char* id : {"b-plan", "a-plan"}) {
    ports::PlanWrite w = PlanWriteOf(SamplePlan(id), 0);
    ASSERT_EQ(ValueOf(store().WritePlan(w)), WriteOutcome::kWritten);
  }
  std::vector<std::string> ids;
  for (const ports::StoredPlan& s : ValueOf(store().ListPlans())) ids.push_back(s.id);
  EXPECT_THAT(ids, ElementsAre("a-plan", "b-plan"));
}

// The last known plans (app/plan_changes.h, "Retired plans"): kept apart
// from the plans changed through UpsertPlan.
TEST_P(AlertStoreContractTest, ALastKnownPlanIsKeptWholeAndReplacedByTheNext) {
  EXPECT_THAT(ValueOf(store().ListKnownPlans()), IsEmpty());
  domain::Plan plan = SamplePlan("safety");
  plan.version = 3;
  ASSERT_TRUE(store().PutKnownPlan(plan).ok());
  std::vector<ports::StoredPlan> known = ValueOf(store().ListKnownPlans());
  ASSERT_EQ(known.size(), 1u);
  EXPECT_EQ(known[0].problem, "");
  EXPECT_EQ(known[0].plan.escalation[0].targets, plan.escalation[0].targets);
  EXPECT_EQ(known[0].plan.triggers[0].count, 3);
  EXPECT_EQ(known[0].plan.ack_expiry, absl::Minutes(30));
  EXPECT_THAT(Describe(known), ElementsAre("safety v3 seed= name=Safety complaint"));
  EXPECT_THAT(ValueOf(store().ListPlans()), IsEmpty()) << "not a plan changed through the API";

  plan.version = 1;  // whatever its version: the last one installed
  plan.name = "older";
  ASSERT_TRUE(store().PutKnownPlan(plan).ok());
  EXPECT_THAT(Describe(ValueOf(store().ListKnownPlans())),
              ElementsAre("safety v1 seed= name=older"));
}

TEST_P(AlertStoreContractTest, ALastKnownPlanIsDroppedByIdAndListedById) {
  for (const char* id : {"b-plan", "a-plan", "c-plan"}) {
    ASSERT_TRUE(store().PutKnownPlan(SamplePlan(id)).ok());
  }
  ASSERT_TRUE(store().DropKnownPlan("c-plan").ok());
  ASSERT_TRUE(store().DropKnownPlan("never-known").ok());
  std::vector<std::string> ids;
  for (const ports::StoredPlan& s : ValueOf(store().ListKnownPlans())) ids.push_back(s.id);
  EXPECT_THAT(ids, ElementsAre("a-plan", "b-plan"));
}

}  // namespace
}  // namespace sqms::alerts::testing
