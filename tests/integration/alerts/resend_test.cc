// Alertmanager's re-sends against the binary (alerts review finding 5): an
// incident resolved by hand while its alert keeps firing is not left
// quiet — the next re-send of the same alert (same id am|fp|startsAt|firing)
// opens a new incident and pages its tier 0 again.

#include <gtest/gtest.h>

#include <string>

#include "nlohmann/json.hpp"
#include "tests/integration/alerts/alerts_stack.h"
#include "tests/integration/alerts/plans.h"
#include "tests/support/service_client.h"

namespace sqms::alerts::it {
namespace {

// The same firing notification each time, as Alertmanager repeats it.
constexpr char kFiring[] = R"json({
  "version": "4", "status": "firing", "receiver": "sqms-alerts",
  "alerts": [{"status": "firing",
    "labels": {"alertname": "SqmsComplaintsDown", "service": "complaints"},
    "startsAt": "2026-12-02T10:00:00Z", "endsAt": "0001-01-01T00:00:00Z",
    "fingerprint": "5e5e5e5e5e5e5e5e"}]})json";

// The incidents the webhook's answer names.
std::vector<std::string> PostFiring(int port) {
  auto response = PostWebhook(port, kFiring);
  EXPECT_TRUE(response.ok()) << response.status();
  if (!response.ok()) return {};
  EXPECT_EQ(response->status, 200) << response->body;
  return nlohmann::json::parse(response->body, nullptr, false)
      .value("incidents", std::vector<std::string>{});
}

TEST(AlertmanagerResendTest, AReSendAfterAManualResolutionOpensANewIncident) {
  auto stack = AlertsStack::Start({.name = "alerts-resend", .plans = kPlans});
  ASSERT_TRUE(stack.ok()) << stack.status();
  auto stub = (*stack)->Alerts();
  const std::vector<std::string> first = PostFiring((*stack)->webhook_port());
  ASSERT_EQ(first.size(), 1u);
  ASSERT_TRUE(testing::Await([&] { return !(*stack)->Pages(first[0], "triggered").empty(); },
                             absl::Seconds(10)));
  // While it is active, a re-send changes nothing.
  EXPECT_EQ(PostFiring((*stack)->webhook_port()), first);

  av1::IncidentCommand resolve;
  resolve.set_id(first[0]);
  resolve.set_request_id(testing::Unique("resolve"));
  av1::Incident resolved;
  ASSERT_TRUE(stub->ResolveIncident(Ctx().get(), resolve, &resolved).ok());
  ASSERT_EQ(resolved.state(), av1::INCIDENT_STATE_RESOLVED);

  const std::vector<std::string> again = PostFiring((*stack)->webhook_port());
  ASSERT_EQ(again.size(), 1u);
  EXPECT_NE(again[0], first[0]) << "the still-firing alert opens a new incident";
  av1::GetIncidentRequest get;
  get.set_id(again[0]);
  av1::Incident reopened;
  ASSERT_TRUE(stub->GetIncident(Ctx().get(), get, &reopened).ok());
  EXPECT_EQ(reopened.state(), av1::INCIDENT_STATE_TRIGGERED);
  EXPECT_TRUE(testing::Await([&] { return !(*stack)->Pages(again[0], "triggered").empty(); },
                             absl::Seconds(10)))
      << "tier 0 is paged again";
  EXPECT_EQ(PostFiring((*stack)->webhook_port()), again)
      << "and the next re-send joins nothing new";
}

}  // namespace
}  // namespace sqms::alerts::it
