#include "services/alerts/domain/plan.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/unit/alerts/domain/test_matchers.h"

namespace sqms::alerts::domain {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using testing::M;

MATCHER_P2(Violation, field, problem, "") { return arg.field == field && arg.problem == problem; }

// What the config file and UpsertPlan check references against.
const PlanReferences kKnown{.risks = std::vector<std::string>{"safety-incident"},
                            .targets = std::vector<std::string>{"ops-webhook"},
                            .rotations = std::vector<std::string>{"noc"}};

Plan SafetyPlan() {
  Plan p;
  p.id = "safety-complaint";
  p.name = "Safety complaint";
  p.risk_id = "safety-incident";
  p.level = ResponseLevel::kI;
  p.triggers = {
      Trigger{{M("alertname", "=", "complaint_submitted"), M("category", "=", "safety")}}};
  p.group_by = {"station"};
  p.steps = {Step{"Call the station", "duty-manager", 5}};
  p.escalation = {Tier{{"rotation:noc"}, {"ops-webhook"}, absl::Minutes(5), 1},
                  Tier{{"role:duty-manager"}, {"ops-webhook"}, absl::Minutes(10), 0}};
  return p;
}

TEST(PlanTest, ResponseLevelsRoundTrip) {
  for (ResponseLevel l :
       {ResponseLevel::kI, ResponseLevel::kII, ResponseLevel::kIII, ResponseLevel::kIV}) {
    EXPECT_EQ(ParseResponseLevel(ResponseLevelName(l)), l);
  }
  EXPECT_EQ(ResponseLevelName(ResponseLevel::kIII), "III");
  EXPECT_EQ(ParseResponseLevel("V"), std::nullopt);
  EXPECT_EQ(ParseResponseLevel("i"), std::nullopt);
  EXPECT_EQ(ParseResponseLevel(""), std::nullopt);
}

TEST(ValidatePlanTest, AValidPlanHasNoViolations) {
  EXPECT_THAT(ValidatePlan(SafetyPlan(), kKnown), IsEmpty());
  EXPECT_THAT(ValidatePlan(SafetyPlan(), {}), IsEmpty());
}

TEST(ValidatePlanTest, NamesTheHeaderFields) {
  Plan p = SafetyPlan();
  p.id = "Safety_Complaint";
  p.name = "";
  p.risk_id = "fire";
  p.level = static_cast<ResponseLevel>(5);
  p.ack_expiry = -absl::Seconds(1);
  EXPECT_THAT(
      ValidatePlan(p, kKnown),
      ElementsAre(Violation("id", "'Safety_Complaint' is not an id (a-z, 0-9 and '-', at most 64)"),
                  Violation("name", "is required"), Violation("risk_id", "unknown risk 'fire'"),
                  Violation("level", "must be I, II, III or IV"),
                  Violation("ack_expiry_seconds", "must not be negative")));
  EXPECT_THAT(ValidatePlan(p, {}),
              ::testing::Not(::testing::Contains(Violation("risk_id", "unknown risk 'fire'"))));
}

TEST(ValidatePlanTest, NamesTheTriggerFields) {
  Plan p = SafetyPlan();
  p.triggers.push_back(Trigger{{}});
  p.triggers.push_back(Trigger{{M("alertname", "=", "x")}, 3});
  p.triggers.push_back(Trigger{{M("alertname", "=", "x")}, -1, -absl::Minutes(1)});
  p.triggers.push_back(Trigger{{M("region", "=~", ".*")}});
  p.triggers.push_back(Trigger{{M("a", "=", "x"), M("b", "=", std::string(1025, 'v'))}});
  EXPECT_THAT(ValidatePlan(p, kKnown),
              ElementsAre(Violation("triggers[1].matchers", "at least one matcher is required"),
                          Violation("triggers[2].within_seconds", "is required when count > 1"),
                          Violation("triggers[3].count", "must be in 0..1000000"),
                          Violation("triggers[3].within_seconds", "must not be negative"),
                          Violation("triggers[4].matchers",
                                    "would match every alert (each matcher matches an alert "
                                    "without labels)"),
                          Violation("triggers[5].matchers[1].value", "longer than 1024 bytes")));
  Plan empty = SafetyPlan();
  empty.triggers.clear();
  empty.escalation.clear();
  EXPECT_THAT(ValidatePlan(empty, {}),
              ElementsAre(Violation("triggers", "at least one trigger is required"),
                          Violation("escalation", "at least one tier is required")));
}

TEST(ValidatePlanTest, ACountOfOneNeedsNoWindow) {
  Plan p = SafetyPlan();
  p.triggers[0].count = 1;
  EXPECT_THAT(ValidatePlan(p, kKnown), IsEmpty());
  p.triggers[0].count = 3;
  p.triggers[0].within = absl::Hours(1);
  EXPECT_THAT(ValidatePlan(p, kKnown), IsEmpty());
}

TEST(ValidatePlanTest, NamesTheGroupStepAndTierFields) {
  Plan p = SafetyPlan();
  p.group_by = {"station", "bad-label", "station"};
  p.steps.push_back(Step{"", "duty-manager", -1});
  p.steps.push_back(Step{"Report", "", 5});
  p.escalation.push_back(
      Tier{{"zhang", "user:"}, {"ops-webhook", "sms"}, absl::ZeroDuration(), -1});
  p.escalation.push_back(Tier{{}, {}, absl::Minutes(1), 101});
  EXPECT_THAT(
      ValidatePlan(p, kKnown),
      ElementsAre(Violation("group_by[1]", "'bad-label' is not a label name"),
                  Violation("group_by[2]", "'station' is listed twice"),
                  Violation("steps[1].title", "is required"),
                  Violation("steps[1].expected_minutes", "must be in 0..10080 (at most a week)"),
                  Violation("steps[2].owner_role", "is required"),
                  Violation("escalation[2].notify[0]",
                            "'zhang' is not user:<id>, role:<role> or rotation:<id>"),
                  Violation("escalation[2].notify[1]",
                            "'user:' is not user:<id>, role:<role> or rotation:<id>"),
                  Violation("escalation[2].targets[1]", "unknown target 'sms'"),
                  Violation("escalation[2].ack_timeout_seconds", "must be positive"),
                  Violation("escalation[2].repeats", "must be in 0..100"),
                  Violation("escalation[3].targets",
                            "at least one target is required (the people in notify are "
                            "reached through targets)"),
                  Violation("escalation[3].repeats", "must be in 0..100")));
}

TEST(ValidatePlanTest, ATargetListedTwiceInATierIsRefused) {
  Plan p = SafetyPlan();
  p.escalation[0].targets = {"ops-webhook", "ops-webhook"};
  EXPECT_THAT(ValidatePlan(p, kKnown),
              ElementsAre(Violation("escalation[0].targets[1]", "'ops-webhook' is listed twice")));
}

TEST(ValidatePlanTest, ATierWithPeopleButNoTargetIsRefused) {
  Plan p = SafetyPlan();
  p.escalation[1].targets.clear();  // notify role:duty-manager, through nothing
  EXPECT_THAT(ValidatePlan(p, kKnown),
              ElementsAre(Violation("escalation[1].targets",
                                    "at least one target is required (the people in notify are "
                                    "reached through targets)")));
  EXPECT_THAT(ValidatePlan(p, {}), ::testing::SizeIs(1)) << "with or without known targets";

  p.escalation[1].targets = {"ops-webhook"};
  p.escalation[1].notify.clear();  // a team channel: a target without people is fine
  EXPECT_THAT(ValidatePlan(p, kKnown), IsEmpty());
}

// The limits and references alerts.yaml is held to at start-up are the ones
// UpsertPlan is held to: both paths run ValidatePlan.
TEST(ValidatePlanTest, ARotationMustBeKnownWhenRotationsAreGiven) {
  Plan p = SafetyPlan();
  p.escalation[0].notify = {"rotation:nosuch", "rotation:noc"};
  EXPECT_THAT(ValidatePlan(p, kKnown),
              ElementsAre(Violation("escalation[0].notify[0]", "unknown rotation 'nosuch'")));
  EXPECT_THAT(ValidatePlan(p, {}), IsEmpty()) << "not checked without the configuration";
  PlanReferences none = kKnown;
  none.rotations = std::vector<std::string>{};
  EXPECT_THAT(ValidatePlan(SafetyPlan(), none),
              ElementsAre(Violation("escalation[0].notify[0]", "unknown rotation 'noc'")))
      << "no rotation configured: none can be named";
}

TEST(ValidatePlanTest, StepMinutesAndTriggerCountsAreBoundedAsInTheConfigFile) {
  Plan p = SafetyPlan();
  p.steps[0].expected_minutes = kMaxExpectedMinutes;
  p.triggers[0].count = kMaxTriggerCount;
  p.triggers[0].within = absl::Hours(1);
  EXPECT_THAT(ValidatePlan(p, kKnown), IsEmpty());
  p.steps[0].expected_minutes = 99999;
  p.triggers[0].count = kMaxTriggerCount + 1;
  EXPECT_THAT(
      ValidatePlan(p, kKnown),
      ElementsAre(Violation("triggers[0].count", "must be in 0..1000000"),
                  Violation("steps[0].expected_minutes", "must be in 0..10080 (at most a week)")));
}

TEST(MatchingTriggerTest, TheFirstMatchingTriggerWins) {
  Plan p = SafetyPlan();
  p.triggers.push_back(Trigger{{M("alertname", "=", "MassDelay")}});
  p.triggers.push_back(Trigger{{M("alertname", "=~", "Mass.*")}});
  EXPECT_EQ(MatchingTrigger(p, {{"alertname", "complaint_submitted"}, {"category", "safety"}}), 0);
  EXPECT_EQ(MatchingTrigger(p, {{"alertname", "MassDelay"}}), 1);
  EXPECT_EQ(MatchingTrigger(p, {{"alertname", "MassDisruption"}}), 2);
  EXPECT_EQ(MatchingTrigger(p, {{"alertname", "complaint_submitted"}, {"category", "hygiene"}}),
            -1);
}

TEST(GroupTest, GroupLabelsKeepOnlyPresentGroupByLabels) {
  Plan p = SafetyPlan();
  p.group_by = {"station", "department"};
  const Labels alert = {
      {"alertname", "complaint_submitted"}, {"station", "wuhan"}, {"complaint_id", "c-1"}};
  EXPECT_EQ(GroupLabels(p, alert), (Labels{{"station", "wuhan"}}));
  p.group_by = {};
  EXPECT_EQ(GroupLabels(p, alert), Labels{});
}

TEST(GroupTest, GroupKeyIsPlanThenSortedPairs) {
  const Plan p = SafetyPlan();
  EXPECT_EQ(GroupKey(p, {{"station", "wuhan"}, {"department", "ops"}}),
            "safety-complaint|department=ops|station=wuhan");
  EXPECT_EQ(GroupKey(p, {}), "safety-complaint");
}

}  // namespace
}  // namespace sqms::alerts::domain
