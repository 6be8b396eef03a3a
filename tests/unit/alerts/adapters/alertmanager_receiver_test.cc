// The Alertmanager webhook's answers: one bad alert in a group never costs
// the others their page; a refused alert is listed and counted; a store
// failure asks Alertmanager to retry the whole notification.

#include "services/alerts/adapters/alertmanager_receiver.h"

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"

namespace sqms::alerts::adapters {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

constexpr char kGood[] =
    R"({"status":"firing","labels":{"alertname":"PlatformOutage","station":"Beijing South"},)"
    R"("startsAt":"2026-12-02T00:00:00Z"})";

std::string Notification(const std::vector<std::string>& alerts) {
  std::string body = R"({"version":"4","status":"firing","alerts":[)";
  for (size_t i = 0; i < alerts.size(); ++i) body += (i == 0 ? "" : ",") + alerts[i];
  return body + "]}";
}

runtime::HttpServerRequest Post(const std::string& body) {
  runtime::HttpServerRequest request;
  request.method = "POST";
  request.path = kAlertmanagerWebhookPath;
  request.body = body;
  request.remote_addr = "127.0.0.1";
  return request;
}

// Records what reached the sink and the refusals counted.
struct Recorder {
  std::vector<std::string> processed;  // alertname of each alert the sink got
  std::vector<std::string> refused;    // reasons counted
  absl::Status answer = absl::OkStatus();

  AlertSink Sink() {
    return [this](const domain::Alert& alert) -> absl::StatusOr<app::ProcessResult> {
      processed.push_back(alert.labels.at("alertname"));
      if (!answer.ok()) return answer;
      app::ProcessResult result;
      app::Decision decision;
      decision.incident_id = "inc-" + alert.labels.at("alertname");
      result.decisions.push_back(decision);
      return result;
    };
  }
  RefusedAlertCounter Counter() {
    return [this](const std::string& reason) { refused.push_back(reason); };
  }
};

TEST(AlertmanagerReceiverTest, AnUnreadableAlertIsRefusedAndTheOthersOfItsGroupStillPage) {
  Recorder recorder;
  const std::string too_long = R"({"status":"firing","labels":{"alertname":"Noisy","error":")" +
                               std::string(2000, 'x') + R"("},"startsAt":"2026-12-02T00:00:00Z"})";
  const runtime::HttpServerResponse response = HandleAlertmanagerWebhook(
      Post(Notification({too_long, kGood})), recorder.Sink(), recorder.Counter());

  EXPECT_EQ(response.status, 200) << response.body;
  EXPECT_THAT(recorder.processed, ElementsAre("PlatformOutage"));
  EXPECT_THAT(recorder.refused, ElementsAre(kRefusedInvalid));
  const nlohmann::json body = nlohmann::json::parse(response.body);
  EXPECT_EQ(body["alerts"], 2);
  EXPECT_EQ(body["incidents"], nlohmann::json::array({"inc-PlatformOutage"}));
  ASSERT_EQ(body["refused"].size(), 1u);
  EXPECT_EQ(body["refused"][0]["alert"], "alerts[0]");
  EXPECT_THAT(body["refused"][0]["error"].get<std::string>(),
              HasSubstr("alerts[0].labels.error: longer than 1024 bytes"));
}

TEST(AlertmanagerReceiverTest, AnAlertTheSinkForbidsIsRefusedAndCounted) {
  Recorder recorder;
  recorder.answer = absl::PermissionDeniedError("drills start through StartDrill");
  const runtime::HttpServerResponse response =
      HandleAlertmanagerWebhook(Post(Notification({kGood})), recorder.Sink(), recorder.Counter());
  EXPECT_EQ(response.status, 200) << response.body;
  EXPECT_THAT(recorder.refused, ElementsAre(kRefusedForbidden));
  EXPECT_THAT(response.body, HasSubstr("drills start through StartDrill"));
}

TEST(AlertmanagerReceiverTest, AStoreFailureAsksForARetryOfTheWholeNotification) {
  Recorder recorder;
  recorder.answer = absl::UnavailableError("redis down");
  const runtime::HttpServerResponse response =
      HandleAlertmanagerWebhook(Post(Notification({kGood})), recorder.Sink(), recorder.Counter());
  EXPECT_EQ(response.status, 503) << response.body;
  EXPECT_TRUE(recorder.refused.empty());
}

TEST(AlertmanagerReceiverTest, ABodyThatIsNoNotificationIsRefusedNamingTheField) {
  Recorder recorder;
  const runtime::HttpServerResponse response = HandleAlertmanagerWebhook(
      Post(R"({"version":"3","alerts":[]})"), recorder.Sink(), recorder.Counter());
  EXPECT_EQ(response.status, 400);
  EXPECT_THAT(response.body, HasSubstr("version"));
  EXPECT_TRUE(recorder.processed.empty());
  EXPECT_TRUE(recorder.refused.empty());
}

}  // namespace
}  // namespace sqms::alerts::adapters
