#include "services/alerts/codec/plan_codec.h"

#include "google/protobuf/util/message_differencer.h"
#include "gtest/gtest.h"
#include "tests/unit/alerts/codec/field_paths.h"

namespace sqms::alerts::codec {
namespace {

namespace pb = ::sqms::alerts::v1;
using testing::BadRequestFields;
using testing::Fields;

domain::Matcher M(std::string label, std::string op, std::string value) {
  return *domain::Matcher::Make(std::move(label), std::move(op), std::move(value));
}

domain::Plan SamplePlan() {
  domain::Plan plan;
  plan.id = "sla-breach";
  plan.name = "Repeated SLA breaches";
  plan.risk_id = "sla";
  plan.level = domain::ResponseLevel::kII;
  plan.triggers.push_back({.matchers = {M("alertname", "=", "SlaBreached"),
                                        M("department", "=~", "billing|network")},
                           .count = 3,
                           .within = absl::Hours(1)});
  plan.triggers.push_back({.matchers = {M("severity", "!=", "info"), M("team", "=", "noc")},
                           .count = 0,
                           .within = absl::ZeroDuration()});
  plan.group_by = {"department"};
  plan.steps = {{.title = "Call the department head", .owner_role = "duty-manager",
                 .expected_minutes = 10},
                {.title = "Post a status note", .owner_role = "comms", .expected_minutes = 30}};
  plan.escalation = {{.notify = {"rotation:noc"}, .targets = {"pager"},
                      .ack_timeout = absl::Minutes(5), .repeats = 2},
                     {.notify = {"role:duty-manager", "user:zhang"},
                      .targets = {"pager", "sms"},
                      .ack_timeout = absl::Minutes(15), .repeats = 0}};
  plan.auto_resolve = false;
  plan.outage = true;
  plan.ack_expiry = absl::Minutes(30);
  plan.known_issue_categories = {"billing", "network_fault"};
  plan.resolve_after = absl::Minutes(10);
  plan.version = 4;
  return plan;
}

TEST(PlanCodecTest, RoundTripKeepsEveryField) {
  const pb::Plan proto = PlanToProto(SamplePlan());
  EXPECT_EQ(proto.level(), "II");
  EXPECT_EQ(proto.triggers(0).within_seconds(), 3600);
  EXPECT_EQ(proto.triggers(0).matchers(1).op(), "=~");
  EXPECT_EQ(proto.escalation(0).ack_timeout_seconds(), 300);
  EXPECT_EQ(proto.ack_expiry_seconds(), 1800);

  absl::StatusOr<domain::Plan> back = PlanFromProto(proto);
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(back->id, "sla-breach");
  EXPECT_EQ(back->level, domain::ResponseLevel::kII);
  ASSERT_EQ(back->triggers.size(), 2u);
  EXPECT_EQ(back->triggers[0].matchers[1].op(), domain::MatchOp::kRegex);
  EXPECT_EQ(back->triggers[0].within, absl::Hours(1));
  EXPECT_EQ(back->escalation[1].ack_timeout, absl::Minutes(15));
  EXPECT_EQ(back->ack_expiry, absl::Minutes(30));
  EXPECT_FALSE(back->auto_resolve);
  EXPECT_TRUE(back->outage);
  EXPECT_EQ(back->resolve_after, absl::Minutes(10));
  EXPECT_EQ(back->known_issue_categories,
            (std::vector<std::string>{"billing", "network_fault"}));
  EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(PlanToProto(*back), proto));
}

TEST(PlanCodecTest, ReportsEveryProblemWithItsPath) {
  pb::Plan proto = PlanToProto(SamplePlan());
  proto.set_level("V");
  proto.mutable_triggers(0)->mutable_matchers(0)->set_label("alert-name");
  proto.mutable_triggers(0)->mutable_matchers(1)->set_op("==");
  proto.mutable_triggers(1)->mutable_matchers(0)->set_op("=~");
  proto.mutable_triggers(1)->mutable_matchers(0)->set_value("(unclosed");
  proto.mutable_escalation(0)->set_ack_timeout_seconds(0);
  proto.mutable_escalation(1)->set_repeats(-1);
  proto.set_name("");
  proto.set_known_issue_categories(1, "Network_Fault");

  absl::StatusOr<domain::Plan> plan = PlanFromProto(proto);
  ASSERT_EQ(plan.status().code(), absl::StatusCode::kInvalidArgument);
  // A trigger whose matchers were refused is not reported again as
  // "plan.triggers[0].matchers: at least one matcher is required".
  const std::set<std::string> expected{
      "plan.level",
      "plan.name",
      "plan.triggers[0].matchers[0].label",
      "plan.triggers[0].matchers[1].op",
      "plan.triggers[1].matchers[0].value",
      "plan.escalation[0].ack_timeout_seconds",
      "plan.escalation[1].repeats",
      "plan.known_issue_categories[1]",
  };
  EXPECT_EQ(Fields(plan.status()), expected) << plan.status();
  EXPECT_EQ(BadRequestFields(plan.status()), expected);
}

TEST(PlanCodecTest, AMatcherAfterARefusedOneIsNamedByItsOwnIndex) {
  pb::Plan proto = PlanToProto(SamplePlan());
  pb::Trigger* trigger = proto.mutable_triggers(0);
  trigger->clear_matchers();
  pb::Matcher* bad = trigger->add_matchers();
  bad->set_label("alertname");
  bad->set_op("==");
  bad->set_value("x");
  pb::Matcher* fine = trigger->add_matchers();
  fine->set_label("region");
  fine->set_op("=");
  fine->set_value(std::string(2048, 'r'));  // too long, for the domain's check
  absl::StatusOr<domain::Plan> plan = PlanFromProto(proto);
  ASSERT_EQ(plan.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Fields(plan.status()), (std::set<std::string>{"plan.triggers[0].matchers[0].op"}))
      << "never matchers[0].value: the long value is matchers[1]'s";

  bad->set_op("=");
  plan = PlanFromProto(proto);
  EXPECT_EQ(Fields(plan.status()), (std::set<std::string>{"plan.triggers[0].matchers[1].value"}));
}

TEST(PlanCodecTest, DomainRulesComeWithThePlanPrefix) {
  pb::Plan proto;
  proto.set_id("Not An Id");
  proto.set_level("III");
  proto.add_group_by("department");
  proto.add_group_by("department");
  absl::StatusOr<domain::Plan> plan = PlanFromProto(proto);
  EXPECT_EQ(Fields(plan.status()),
            (std::set<std::string>{"plan.id", "plan.name", "plan.risk_id", "plan.triggers",
                                   "plan.group_by[1]", "plan.escalation"}))
      << plan.status();
}

TEST(PlanCodecTest, ATierWithoutTargetsIsNamedByItsProtoPath) {
  pb::Plan proto = PlanToProto(SamplePlan());
  proto.mutable_escalation(1)->clear_targets();  // people to notify, through nothing
  EXPECT_EQ(Fields(PlanFromProto(proto).status()),
            std::set<std::string>{"plan.escalation[1].targets"});
}

TEST(PlanCodecTest, CountingTriggerNeedsAWindow) {
  pb::Plan proto = PlanToProto(SamplePlan());
  proto.mutable_triggers(0)->set_within_seconds(0);
  EXPECT_EQ(Fields(PlanFromProto(proto).status()),
            std::set<std::string>{"plan.triggers[0].within_seconds"});
}

TEST(PlanCodecTest, RiskCarriesScoreLevelAndItsPlans) {
  domain::Plan other = SamplePlan();
  other.id = "other";
  other.risk_id = "fire";
  const pb::Risk risk = RiskToProto(
      {.id = "sla", .name = "SLA breaches", .probability = 4, .impact = 3}, {SamplePlan(), other});
  EXPECT_EQ(risk.score(), 12);
  EXPECT_EQ(risk.level(), "high");
  ASSERT_EQ(risk.plans_size(), 1);
  EXPECT_EQ(risk.plans(0), "sla-breach");
  EXPECT_EQ(RiskToProto({.id = "x", .name = "x", .probability = 5, .impact = 5}, {}).level(),
            "critical");
}

}  // namespace
}  // namespace sqms::alerts::codec
