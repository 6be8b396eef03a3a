// The Alertmanager webhook fails closed (security review finding 1): the
// binary refuses to start with the receiver on and no token file, and a
// webhook token may not start a drill (RaiseAlert's drill rule).

#include <gtest/gtest.h>

#include <string>

#include "absl/strings/match.h"
#include "nlohmann/json.hpp"
#include "tests/integration/alerts/alerts_stack.h"
#include "tests/integration/alerts/plans.h"
#include "tests/support/service_client.h"

namespace sqms::alerts::it {
namespace {

constexpr char kWebhookToken[] = "webhook-auth-test-token";

// The default --webhook-listen (0.0.0.0:9095) without --webhook-tokens-file:
// a configuration error naming the flag, before anything is bound.
TEST(WebhookAuthTest, TheServiceRefusesToStartWithAnOpenWebhook) {
  const std::string dir = testing::MakeTestDir("alerts-open-webhook");
  ASSERT_TRUE(testing::WriteTextFile(dir + "/tokens", "tok sup-sue supervisor\n").ok());
  auto process = testing::Process::Start(
      {testing::BuildPath("services/alerts/sqms-alerts"), "--config",
       testing::SourcePath("services/alerts/config/alerts.yaml"), "--tokens-file", dir + "/tokens",
       "--redis-address", "127.0.0.1:1", "--kafka-brokers", "127.0.0.1:1"},
      dir + "/alerts.log");
  ASSERT_TRUE(process.ok()) << process.status();
  ASSERT_TRUE(testing::Await([&] { return !(*process)->Running(); }, absl::Seconds(10)));
  EXPECT_NE((*process)->Terminate(), 0) << "an open webhook stops the service";
  const std::string log = testing::ReadFile(dir + "/alerts.log");
  EXPECT_TRUE(
      absl::StrContains(log, "--webhook-tokens-file (SQMS_WEBHOOK_TOKENS_FILE): is required"))
      << log;
}

// The explicit opt-out starts, and says so at every start.
TEST(WebhookAuthTest, TheExplicitOptOutStartsWithAWarning) {
  auto stack = AlertsStack::Start({.name = "alerts-webhook-insecure", .plans = kPlans});
  ASSERT_TRUE(stack.ok()) << stack.status();
  const std::string log = testing::ReadFile((*stack)->dir() + "/alerts-0-0.log");
  EXPECT_TRUE(absl::StrContains(log, "\"level\":\"warn\"") &&
              absl::StrContains(log, "accepts every request: no authentication"))
      << log;
}

// A webhook token authenticates monitoring, which over gRPC is the service
// role: it may raise alerts but not start drills. The drill alert is
// refused (listed, not retried); the real alert of the same body is taken.
TEST(WebhookAuthTest, AWebhookDrillAlertIsRefusedAndTheRestOfTheBodyProcessed) {
  auto stack = AlertsStack::Start({.name = "alerts-webhook-drill", .plans = kPlans}, kWebhookToken);
  ASSERT_TRUE(stack.ok()) << stack.status();
  auto response = PostWebhook((*stack)->webhook_port(), R"json({
    "version": "4", "status": "firing", "receiver": "sqms-alerts",
    "alerts": [
      {"status": "firing", "labels": {"alertname": "SqmsComplaintsDown", "service": "drilled",
        "drill": "true"}, "startsAt": "2026-12-02T10:00:00Z", "fingerprint": "d0d0d0d0d0d0d0d0"},
      {"status": "firing", "labels": {"alertname": "SqmsComplaintsDown", "service": "complaints"},
        "startsAt": "2026-12-02T10:00:00Z", "fingerprint": "c0c0c0c0c0c0c0c0"}]})json",
                              kWebhookToken);
  ASSERT_TRUE(response.ok()) << response.status();
  ASSERT_EQ(response->status, 200) << response->body;
  const nlohmann::json body = nlohmann::json::parse(response->body);
  ASSERT_EQ(body["refused"].size(), 1u) << response->body;
  EXPECT_TRUE(absl::StrContains(body["refused"][0]["error"].get<std::string>(), "drill"))
      << response->body;
  EXPECT_EQ(body["incidents"].size(), 1u) << response->body;

  auto stub = (*stack)->Alerts();
  av1::ListIncidentsRequest list;
  list.set_plan_id("outage");
  av1::ListIncidentsResponse incidents;
  ASSERT_TRUE(stub->ListIncidents(Ctx().get(), list, &incidents).ok());
  ASSERT_EQ(incidents.incidents_size(), 1);
  EXPECT_FALSE(incidents.incidents(0).drill());
  EXPECT_EQ(incidents.incidents(0).labels().at("service"), "complaints");
}

}  // namespace
}  // namespace sqms::alerts::it
