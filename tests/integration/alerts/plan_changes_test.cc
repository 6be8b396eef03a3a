// UpsertPlan against real Redis and two sqms-alerts replicas: a change made
// on one replica is in force on the other within the refresh period, an
// alert raised there afterwards is handled by the changed plan, a stale
// expected_version is refused and changes nothing, the change survives
// SIGKILL and restart — and an edited config file wins over it again.
// A plan removed from the file by a deploy is retired: its open incident
// is still paged, by the restarted binary, until acknowledged.

#include <gtest/gtest.h>

#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/strip.h"
#include "tests/integration/alerts/alerts_stack.h"
#include "tests/integration/alerts/plans.h"
#include "tests/support/service_client.h"

namespace sqms::alerts::it {
namespace {

absl::StatusOr<av1::Plan> GetPlan(av1::AlertService::Stub& stub, const std::string& id) {
  av1::GetPlanRequest request;
  request.set_id(id);
  av1::Plan plan;
  grpc::Status s = stub.GetPlan(Ctx().get(), request, &plan);
  if (!s.ok()) return absl::Status(static_cast<absl::StatusCode>(s.error_code()), s.error_message());
  return plan;
}

absl::StatusOr<av1::Plan> UpsertPlan(av1::AlertService::Stub& stub, const av1::Plan& plan,
                                     int64_t expected_version) {
  av1::UpsertPlanRequest request;
  *request.mutable_plan() = plan;
  request.set_expected_version(expected_version);
  av1::Plan stored;
  grpc::Status s = stub.UpsertPlan(AdminCtx().get(), request, &stored);
  if (!s.ok()) return absl::Status(static_cast<absl::StatusCode>(s.error_code()), s.error_message());
  return stored;
}

// "<version> <name>" of plan `id` on `stub`, or the error.
std::string Shown(av1::AlertService::Stub& stub, const std::string& id) {
  absl::StatusOr<av1::Plan> plan = GetPlan(stub, id);
  if (!plan.ok()) return plan.status().ToString();
  return absl::StrCat(plan->version(), " ", plan->name());
}

TEST(AlertsPlanChangesTest, AnUpsertIsSharedDurableAndGuardedByItsVersion) {
  auto stack = AlertsStack::Start({.name = "alerts-plan-changes", .plans = kPlans});
  ASSERT_TRUE(stack.ok()) << stack.status();
  ASSERT_TRUE((*stack)->StartService(1).ok());
  auto replica0 = (*stack)->Alerts(0);
  auto replica1 = (*stack)->Alerts(1);
  EXPECT_EQ(Shown(*replica1, "page"), "1 Paging test");

  // Replica 0 changes the plan: a new trigger, level I.
  absl::StatusOr<av1::Plan> page = GetPlan(*replica0, "page");
  ASSERT_TRUE(page.ok()) << page.status();
  av1::Plan changed = *page;
  changed.set_name("Paging test v2");
  changed.set_level("I");
  changed.mutable_triggers(0)->mutable_matchers(0)->set_value("PageTestV2");
  absl::StatusOr<av1::Plan> stored = UpsertPlan(*replica0, changed, 1);
  ASSERT_TRUE(stored.ok()) << stored.status();
  EXPECT_EQ(stored->version(), 2);
  EXPECT_EQ(Shown(*replica0, "page"), "2 Paging test v2") << "at once where it was made";
  // Replica 1 refreshes every second; 10 s leaves room for a loaded machine.
  EXPECT_TRUE(testing::Await([&] { return Shown(*replica1, "page") == "2 Paging test v2"; },
                             absl::Seconds(10)))
      << Shown(*replica1, "page");

  // A change decided on version 1 is refused, on either replica.
  av1::Plan stale = *page;
  stale.set_name("Stale");
  for (auto* stub : {replica0.get(), replica1.get()}) {
    absl::StatusOr<av1::Plan> refused = UpsertPlan(*stub, stale, 1);
    EXPECT_EQ(refused.status().code(), absl::StatusCode::kAborted) << refused.status();
  }
  EXPECT_EQ(Shown(*replica0, "page"), "2 Paging test v2");
  EXPECT_EQ(Shown(*replica1, "page"), "2 Paging test v2");

  // An alert raised on replica 1 now is the changed plan's.
  absl::StatusOr<av1::RaiseAlertResponse> raised =
      Raise(*replica1, {{"alertname", "PageTestV2"}, {"case", "plan-v2"}});
  ASSERT_TRUE(raised.ok()) << raised.status();
  ASSERT_EQ(raised->decisions_size(), 1);
  EXPECT_EQ(raised->decisions(0).plan_id(), "page");
  EXPECT_EQ(raised->decisions(0).outcome(), av1::OUTCOME_OPENED);
  av1::GetIncidentRequest get;
  get.set_id(raised->decisions(0).incident_id());
  av1::Incident incident;
  ASSERT_TRUE(replica1->GetIncident(Ctx().get(), get, &incident).ok());
  EXPECT_EQ(incident.level(), "I");
  absl::StatusOr<av1::RaiseAlertResponse> old =
      Raise(*replica1, {{"alertname", "PageTest"}, {"case", "plan-v1"}});
  ASSERT_TRUE(old.ok()) << old.status();
  EXPECT_EQ(old->decisions_size(), 0) << "the old trigger matches no more";

  // SIGKILL both; a restarted replica has the change before it serves.
  (*stack)->KillService(0);
  (*stack)->KillService(1);
  ASSERT_TRUE((*stack)->StartService(0).ok());
  EXPECT_EQ(Shown(*(*stack)->Alerts(0), "page"), "2 Paging test v2");

  // The config file's plan edited (a deploy): the file wins, above the
  // stored version, until the next UpsertPlan.
  const std::string file = testing::ReadFile((*stack)->config_file());
  ASSERT_TRUE(testing::WriteTextFile((*stack)->config_file(),
                                     absl::StrReplaceAll(file, {{"name: Paging test\n",
                                                                 "name: Paging test (file)\n"}}))
                  .ok());
  (*stack)->KillService(0);
  ASSERT_TRUE((*stack)->StartService(0).ok());
  EXPECT_EQ(Shown(*(*stack)->Alerts(0), "page"), "3 Paging test (file)");
}

// A plan created through the API pages target "robot"; a deploy drops
// that target from the file. The plan cannot be in force any more: the
// restarted replica says so on /metrics (a log line alone is easy to miss),
// and again once the plan is repaired.
TEST(AlertsPlanChangesTest, AStoredPlanTheFileNoLongerAllowsShowsOnTheHealthGauge) {
  auto stack = AlertsStack::Start({.name = "alerts-plan-invalid", .plans = kPlans});
  ASSERT_TRUE(stack.ok()) << stack.status();
  absl::StatusOr<av1::Plan> race = GetPlan(*(*stack)->Alerts(0), "race");
  ASSERT_TRUE(race.ok()) << race.status();
  av1::Plan api_only = *race;
  api_only.set_id("api-robot");
  api_only.set_version(0);
  ASSERT_TRUE(UpsertPlan(*(*stack)->Alerts(0), api_only, 0).ok());
  EXPECT_NE((*stack)->ScrapeMetrics().find("sqms_alerts_stored_plans_invalid 0"),
            std::string::npos);

  // The deploy: target robot and the file's plans naming it (safety, race) go.
  (*stack)->KillService(0);
  std::string file = testing::ReadFile((*stack)->config_file());
  const size_t robot = file.find("  - {id: robot");
  ASSERT_NE(robot, std::string::npos);
  file.erase(robot, file.find('\n', robot) - robot + 1);
  file = absl::StrReplaceAll(file, {{"targets: [sink, robot]", "targets: [sink]"},
                                    {"targets: [robot]", "targets: [sink]"}});
  ASSERT_TRUE(testing::WriteTextFile((*stack)->config_file(), file).ok());
  ASSERT_TRUE((*stack)->StartService(0).ok());
  EXPECT_NE((*stack)->ScrapeMetrics().find("sqms_alerts_stored_plans_invalid 1"),
            std::string::npos);
  EXPECT_NE(testing::ReadFile(absl::StrCat((*stack)->dir(), "/alerts-0-1.log"))
                .find("stored plan is invalid and the config file has none"),
            std::string::npos);

  // Repaired through the API at its stored version: in force, the gauge back at 0.
  api_only.mutable_escalation(0)->set_targets(0, "sink");
  ASSERT_TRUE(UpsertPlan(*(*stack)->Alerts(0), api_only, 1).ok());
  EXPECT_TRUE(testing::Await(
      [&] {
        return (*stack)->ScrapeMetrics().find("sqms_alerts_stored_plans_invalid 0") !=
               std::string::npos;
      },
      absl::Seconds(5)));
}

// "retiring" is the plan the deploy removes; "stays" keeps the high risk
// test-risk planned (the file is refused otherwise).
constexpr char kRetiringPlans[] = R"yaml(
plans:
  - id: stays
    name: Stays
    risk: test-risk
    level: III
    triggers:
      - matchers: ['alertname="StaysTest"']
    escalation:
      - {notify: ["user:first"], targets: [sink], ack_timeout: 1h}
  - id: retiring
    name: Retiring
    risk: test-risk
    level: II
    triggers:
      - matchers: ['alertname="RetiringTest"']
    group_by: [case]
    steps:
      - {title: Look, owner: noc, expected_minutes: 1}
    escalation:
      - {notify: ["user:first"], targets: [sink], ack_timeout: 4s}
      - {notify: ["user:second"], targets: [sink], ack_timeout: 1h}
)yaml";

// AcknowledgeIncident / ResolveIncident of `id`.
absl::Status Command(av1::AlertService::Stub& stub, const std::string& id, bool resolve) {
  av1::IncidentCommand command;
  command.set_id(id);
  command.set_request_id(testing::Unique("cmd"));
  av1::Incident incident;
  grpc::Status s = resolve ? stub.ResolveIncident(Ctx().get(), command, &incident)
                           : stub.AcknowledgeIncident(Ctx().get(), command, &incident);
  return absl::Status(static_cast<absl::StatusCode>(s.error_code()), s.error_message());
}

TEST(AlertsPlanChangesTest, APlanRemovedFromTheFileKeepsPagingItsOpenIncident) {
  auto stack = AlertsStack::Start({.name = "alerts-plan-retired", .plans = kRetiringPlans});
  ASSERT_TRUE(stack.ok()) << stack.status();
  absl::StatusOr<av1::RaiseAlertResponse> raised =
      Raise(*(*stack)->Alerts(0), {{"alertname", "RetiringTest"}, {"case", "r1"}});
  ASSERT_TRUE(raised.ok()) << raised.status();
  ASSERT_EQ(raised->decisions_size(), 1);
  ASSERT_EQ(raised->decisions(0).outcome(), av1::OUTCOME_OPENED);
  const std::string id = raised->decisions(0).incident_id();

  // A deploy removes the plan from the file, well before tier 2 is due.
  (*stack)->KillService(0);
  const std::string file = testing::ReadFile((*stack)->config_file());
  const size_t plan_at = file.find("  - id: retiring\n");
  ASSERT_NE(plan_at, std::string::npos);
  ASSERT_TRUE(testing::WriteTextFile((*stack)->config_file(), file.substr(0, plan_at)).ok());
  ASSERT_TRUE((*stack)->StartService(0).ok());
  auto stub = (*stack)->Alerts(0);
  const std::string log_file = absl::StrCat((*stack)->dir(), "/alerts-0-1.log");
  const std::string log = testing::ReadFile(log_file);
  EXPECT_NE(log.find("plan gone from the configuration is retired"), std::string::npos) << log;
  EXPECT_NE(log.find("\"open_incidents\":1"), std::string::npos) << log;

  // The restarted replica pages tier 2 when it falls due.
  EXPECT_TRUE(
      testing::Await([&] { return !(*stack)->Pages(id, "escalated").empty(); }, absl::Seconds(20)))
      << testing::ReadFile(log_file);
  av1::GetIncidentRequest get;
  get.set_id(id);
  av1::Incident incident;
  ASSERT_TRUE(stub->GetIncident(Ctx().get(), get, &incident).ok());
  EXPECT_EQ(incident.tier(), 1);
  ASSERT_EQ(incident.steps_size(), 1);
  EXPECT_EQ(incident.steps(0).title(), "Look") << "the retired plan's steps";

  // It takes no new alert, and is no plan in force.
  absl::StatusOr<av1::RaiseAlertResponse> again =
      Raise(*stub, {{"alertname", "RetiringTest"}, {"case", "r2"}});
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(again->decisions_size(), 0);
  // Shown, marked retired: the chain its open incident follows.
  absl::StatusOr<av1::Plan> shown = GetPlan(*stub, "retiring");
  ASSERT_TRUE(shown.ok()) << shown.status();
  EXPECT_TRUE(shown->retired());
  EXPECT_EQ(shown->escalation_size(), 2);
  av1::ListPlansResponse listed;
  ASSERT_TRUE(stub->ListPlans(Ctx().get(), av1::ListPlansRequest(), &listed).ok());
  int retired = 0;
  for (const av1::Plan& p : listed.plans()) retired += p.retired() ? 1 : 0;
  EXPECT_EQ(retired, 1);
  EXPECT_TRUE(listed.plans(listed.plans_size() - 1).retired()) << "listed after those in force";
  EXPECT_NE((*stack)->ScrapeMetrics().find("sqms_alerts_plans_retired 1"), std::string::npos);

  // Acknowledged and resolved: none of its incidents is open, it is dropped.
  EXPECT_TRUE(Command(*stub, id, /*resolve=*/false).ok());
  EXPECT_TRUE(Command(*stub, id, /*resolve=*/true).ok());
  EXPECT_TRUE(testing::Await(
      [&] { return testing::ReadFile(log_file).find("retired plan dropped") != std::string::npos; },
      absl::Seconds(5)));
  EXPECT_EQ(absl::StripAsciiWhitespace(
                (*stack)->redis().Cli({"HEXISTS", "{sqms:alerts}:known-plans", "retiring"})),
            "0");
  EXPECT_TRUE(testing::Await(
      [&] {
        return (*stack)->ScrapeMetrics().find("sqms_alerts_plans_retired 0") != std::string::npos;
      },
      absl::Seconds(5)));
}

}  // namespace
}  // namespace sqms::alerts::it
