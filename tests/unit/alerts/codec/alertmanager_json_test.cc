#include "services/alerts/codec/alertmanager_json.h"

#include <string>

#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "services/alerts/domain/labels.h"

namespace sqms::alerts::codec {
namespace {

using ::testing::Contains;
using ::testing::HasSubstr;
using ::testing::Pair;
using ::testing::StartsWith;
using ::testing::UnorderedElementsAre;

// The webhook_config payload as Alertmanager documents it (version 4), one
// alert firing and one resolved.
constexpr char kPayload[] = R"({
  "version": "4",
  "groupKey": "{}/{severity=\"critical\"}:{alertname=\"ProbeFailure\"}",
  "truncatedAlerts": 0,
  "status": "firing",
  "receiver": "sqms-alerts",
  "groupLabels": {"alertname": "ProbeFailure"},
  "commonLabels": {"alertname": "ProbeFailure", "job": "http_checks", "severity": "critical"},
  "commonAnnotations": {},
  "externalURL": "http://alertmanager.example.org:9093",
  "alerts": [
    {
      "status": "firing",
      "labels": {"alertname": "ProbeFailure", "instance": "https://ticketing.example.org",
                 "job": "http_checks", "severity": "critical"},
      "annotations": {"summary": "Probe failure: https://ticketing.example.org",
                      "description": "Down for over 5m."},
      "startsAt": "2026-12-02T13:08:45.828Z",
      "endsAt": "0001-01-01T00:00:00Z",
      "generatorURL": "http://prometheus.example.org:9090/graph?g0.expr=probe_success+%3D%3D+0",
      "fingerprint": "1a30ba71cca2921f"
    },
    {
      "status": "resolved",
      "labels": {"alertname": "ProbeFailure", "instance": "https://crm.example.org",
                 "job": "http_checks", "severity": "critical", "drill": "true"},
      "annotations": {"summary": "Probe failure: https://crm.example.org"},
      "startsAt": "2026-12-02T12:00:00+08:00",
      "endsAt": "2026-12-02T12:30:15.5+08:00",
      "generatorURL": "",
      "fingerprint": "77b1c2d3e4f5a6b7"
    }
  ]
})";

std::string WithAlert(const std::string& alert_json) {
  return R"({"version":"4","status":"firing","alerts":[)" + alert_json + "]}";
}

constexpr char kGoodAlert[] =
    R"({"status":"firing","labels":{"alertname":"A"},"startsAt":"2026-12-02T00:00:00Z"})";

TEST(ParseAlertmanagerWebhook, DocumentedPayload) {
  auto alerts = ParseAlertmanagerWebhook(kPayload);
  ASSERT_TRUE(alerts.ok()) << alerts.status();
  ASSERT_EQ(alerts->size(), 2u);

  const domain::Alert& firing = (*alerts)[0];
  EXPECT_EQ(firing.id, "am|1a30ba71cca2921f|2026-12-02T13:08:45.828Z|firing");
  EXPECT_EQ(firing.source, "alertmanager");
  EXPECT_TRUE(firing.firing);
  EXPECT_FALSE(firing.drill);
  EXPECT_EQ(firing.at, absl::FromUnixSeconds(1796216925) + absl::Milliseconds(828));
  EXPECT_THAT(firing.labels,
              UnorderedElementsAre(Pair("alertname", "ProbeFailure"),
                                   Pair("instance", "https://ticketing.example.org"),
                                   Pair("job", "http_checks"), Pair("severity", "critical")));
  EXPECT_THAT(firing.annotations,
              UnorderedElementsAre(
                  Pair("summary", "Probe failure: https://ticketing.example.org"),
                  Pair("description", "Down for over 5m."),
                  Pair("generator_url",
                       "http://prometheus.example.org:9090/graph?g0.expr=probe_success+%3D%3D+0")));

  const domain::Alert& resolved = (*alerts)[1];
  EXPECT_EQ(resolved.id, "am|77b1c2d3e4f5a6b7|2026-12-02T12:00:00+08:00|resolved");
  EXPECT_FALSE(resolved.firing);
  EXPECT_TRUE(resolved.drill);
  // Resolved: `at` is endsAt (04:30:15.5 UTC).
  EXPECT_EQ(resolved.at, absl::FromUnixSeconds(1796185815) + absl::Milliseconds(500));
  EXPECT_THAT(resolved.annotations,
              UnorderedElementsAre(Pair("summary", "Probe failure: https://crm.example.org")));
}

TEST(ParseAlertmanagerWebhook, MissingFingerprintUsesOurs) {
  auto alerts = ParseAlertmanagerWebhook(WithAlert(kGoodAlert));
  ASSERT_TRUE(alerts.ok()) << alerts.status();
  ASSERT_EQ(alerts->size(), 1u);
  EXPECT_EQ((*alerts)[0].id, "am|" + domain::Fingerprint({{"alertname", "A"}}) +
                                 "|2026-12-02T00:00:00Z|firing");
}

TEST(ParseAlertmanagerWebhook, EmptyAlertListIsFine) {
  auto alerts = ParseAlertmanagerWebhook(R"({"version":"4","alerts":[]})");
  ASSERT_TRUE(alerts.ok()) << alerts.status();
  EXPECT_TRUE(alerts->empty());
}

TEST(ParseAlertmanagerWebhook, OnlyVersionFour) {
  for (const char* body : {R"({"version":"3","alerts":[]})", R"({"version":4,"alerts":[]})",
                           R"({"alerts":[]})"}) {
    auto alerts = ParseAlertmanagerWebhook(body);
    EXPECT_EQ(alerts.status().code(), absl::StatusCode::kInvalidArgument) << body;
    EXPECT_THAT(std::string(alerts.status().message()), StartsWith("version: ")) << body;
  }
}

// Each bad body and the path its error must start with.
struct BadCase {
  std::string body;
  std::string path;
};

TEST(ParseAlertmanagerWebhook, ErrorsNameTheJsonPath) {
  const BadCase cases[] = {
      {"not json", "body: "},
      {"[1,2]", "body: "},
      {R"({"version":"4"})", "alerts: "},
      {R"({"version":"4","alerts":{}})", "alerts: "},
      {WithAlert(std::string(kGoodAlert) + ",[]"), "alerts[1]: "},
      {WithAlert(R"({"labels":{"alertname":"A"},"startsAt":"2026-12-02T00:00:00Z"})"),
       "alerts[0].status: "},
      {WithAlert(R"({"status":"pending","labels":{"alertname":"A"},"startsAt":"x"})"),
       "alerts[0].status: "},
      {WithAlert(R"({"status":"firing","startsAt":"2026-12-02T00:00:00Z"})"),
       "alerts[0].labels: "},
      {WithAlert(R"({"status":"firing","labels":[],"startsAt":"2026-12-02T00:00:00Z"})"),
       "alerts[0].labels: "},
      {WithAlert(std::string(kGoodAlert) + "," +
                 R"({"status":"firing","labels":{"alertname":"B","bad-name":"x"},)"
                 R"("startsAt":"2026-12-02T00:00:00Z"})"),
       "alerts[1].labels: "},
      {WithAlert(R"({"status":"firing","labels":{"alertname":"A","team":""},)"
                 R"("startsAt":"2026-12-02T00:00:00Z"})"),
       "alerts[0].labels.team: "},
      {WithAlert(R"({"status":"firing","labels":{"alertname":1},)"
                 R"("startsAt":"2026-12-02T00:00:00Z"})"),
       "alerts[0].labels.alertname: "},
      {WithAlert(R"({"status":"firing","labels":{"alertname":"A"},"annotations":{"x":2},)"
                 R"("startsAt":"2026-12-02T00:00:00Z"})"),
       "alerts[0].annotations.x: "},
      {WithAlert(R"({"status":"firing","labels":{"alertname":"A"}})"), "alerts[0].startsAt: "},
      {WithAlert(R"({"status":"firing","labels":{"alertname":"A"},"startsAt":"yesterday"})"),
       "alerts[0].startsAt: "},
      {WithAlert(R"({"status":"resolved","labels":{"alertname":"A"},)"
                 R"("startsAt":"2026-12-02T00:00:00Z"})"),
       "alerts[0].endsAt: "},
      {WithAlert(R"({"status":"resolved","labels":{"alertname":"A"},)"
                 R"("startsAt":"2026-12-02T00:00:00Z","endsAt":"0001-01-01T00:00:00Z"})"),
       "alerts[0].endsAt: "},
      {WithAlert(R"({"status":"firing","labels":{"alertname":"A"},)"
                 R"("startsAt":"2026-12-02T00:00:00Z","fingerprint":7})"),
       "alerts[0].fingerprint: "},
  };
  for (const BadCase& c : cases) {
    auto alerts = ParseAlertmanagerWebhook(c.body);
    EXPECT_EQ(alerts.status().code(), absl::StatusCode::kInvalidArgument) << c.body;
    EXPECT_THAT(std::string(alerts.status().message()), StartsWith(c.path)) << c.body;
  }
}

TEST(ParseAlertmanagerWebhook, RedeliveryHasTheSameIdsAndAChangeHasNew) {
  auto first = ParseAlertmanagerWebhook(kPayload);
  auto again = ParseAlertmanagerWebhook(kPayload);
  ASSERT_TRUE(first.ok() && again.ok());
  EXPECT_EQ((*first)[0].id, (*again)[0].id);
  // The same alert once resolved: same labels, another id.
  auto resolved = ParseAlertmanagerWebhook(WithAlert(
      R"({"status":"resolved","labels":{"alertname":"A"},"startsAt":"2026-12-02T00:00:00Z",)"
      R"("endsAt":"2026-12-02T01:00:00Z"})"));
  auto firing = ParseAlertmanagerWebhook(WithAlert(kGoodAlert));
  ASSERT_TRUE(resolved.ok()) << resolved.status();
  ASSERT_TRUE(firing.ok()) << firing.status();
  EXPECT_NE((*resolved)[0].id, (*firing)[0].id);
  EXPECT_EQ((*resolved)[0].labels, (*firing)[0].labels);
  EXPECT_THAT((*resolved)[0].id, HasSubstr("|resolved"));
  EXPECT_THAT((*firing)[0].labels, Contains(Pair("alertname", "A")));
}

}  // namespace
}  // namespace sqms::alerts::codec
