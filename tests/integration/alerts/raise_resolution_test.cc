// RaiseAlert(status=RESOLVED) against the binary (security review finding
// 2): a `service` token copying an Alertmanager alert's labels resolves
// nothing, and a resolution through RaiseAlert names its caller on the
// timeline.

#include <gtest/gtest.h>

#include <map>
#include <string>

#include "tests/integration/alerts/alerts_stack.h"
#include "tests/integration/alerts/plans.h"
#include "tests/support/service_client.h"

namespace sqms::alerts::it {
namespace {

const std::map<std::string, std::string> kLabels = {{"alertname", "SqmsComplaintsDown"},
                                                    {"service", "complaints"}};

av1::RaiseAlertResponse RaiseWith(av1::AlertService::Stub& stub,
                                  std::unique_ptr<grpc::ClientContext> ctx, bool resolved) {
  av1::RaiseAlertRequest request;
  for (const auto& [k, v] : kLabels) (*request.mutable_labels())[k] = v;
  request.set_request_id(testing::Unique("raise"));
  if (resolved) request.set_status(av1::ALERT_STATUS_RESOLVED);
  av1::RaiseAlertResponse response;
  grpc::Status status = stub.RaiseAlert(ctx.get(), request, &response);
  EXPECT_TRUE(status.ok()) << status.error_message();
  return response;
}

av1::Incident Get(av1::AlertService::Stub& stub, const std::string& id) {
  av1::GetIncidentRequest request;
  request.set_id(id);
  av1::Incident incident;
  EXPECT_TRUE(stub.GetIncident(Ctx().get(), request, &incident).ok());
  return incident;
}

TEST(RaiseResolutionTest, AServiceTokenCannotResolveAnAlertmanagerAlert) {
  auto stack = AlertsStack::Start({.name = "alerts-raise-resolve", .plans = kPlans});
  ASSERT_TRUE(stack.ok()) << stack.status();
  auto posted = PostWebhook((*stack)->webhook_port(), R"json({"version": "4", "status": "firing",
    "alerts": [{"status": "firing",
    "labels": {"alertname": "SqmsComplaintsDown", "service": "complaints"},
    "startsAt": "2026-12-02T10:00:00Z", "fingerprint": "abababababababab"}]})json");
  ASSERT_TRUE(posted.ok()) << posted.status();
  ASSERT_EQ(posted->status, 200) << posted->body;
  auto stub = (*stack)->Alerts();

  av1::RaiseAlertResponse resolved = RaiseWith(*stub, ServiceCtx(), /*resolved=*/true);
  ASSERT_EQ(resolved.decisions_size(), 1);
  EXPECT_EQ(resolved.decisions(0).outcome(), av1::OUTCOME_NO_INCIDENT);
  av1::ListIncidentsRequest list;
  list.set_plan_id("outage");
  av1::ListIncidentsResponse incidents;
  ASSERT_TRUE(stub->ListIncidents(Ctx().get(), list, &incidents).ok());
  ASSERT_EQ(incidents.incidents_size(), 1);
  EXPECT_EQ(incidents.incidents(0).state(), av1::INCIDENT_STATE_TRIGGERED);
  EXPECT_EQ(incidents.incidents(0).alerts_firing(), 1);
}

TEST(RaiseResolutionTest, AResolutionThroughRaiseAlertNamesItsCaller) {
  auto stack = AlertsStack::Start({.name = "alerts-raise-actor", .plans = kPlans});
  ASSERT_TRUE(stack.ok()) << stack.status();
  auto stub = (*stack)->Alerts();
  av1::RaiseAlertResponse opened = RaiseWith(*stub, ServiceCtx(), /*resolved=*/false);
  ASSERT_EQ(opened.decisions_size(), 1);
  ASSERT_EQ(opened.decisions(0).outcome(), av1::OUTCOME_OPENED);
  const std::string id = opened.decisions(0).incident_id();
  av1::RaiseAlertResponse resolved = RaiseWith(*stub, Ctx(), /*resolved=*/true);
  ASSERT_EQ(resolved.decisions_size(), 1);
  EXPECT_EQ(resolved.decisions(0).outcome(), av1::OUTCOME_RESOLVED);

  const av1::Incident incident = Get(*stub, id);
  EXPECT_EQ(incident.state(), av1::INCIDENT_STATE_RESOLVED);
  std::map<std::string, std::string> actor_of;
  for (const av1::TimelineEntry& e : incident.timeline()) actor_of[e.kind()] = e.actor();
  EXPECT_EQ(actor_of["alert-resolved"], "sup-sue");
  EXPECT_EQ(actor_of["resolved"], "sup-sue");
}

}  // namespace
}  // namespace sqms::alerts::it
