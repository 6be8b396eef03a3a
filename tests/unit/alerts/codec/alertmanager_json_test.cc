#include "services/alerts/codec/alertmanager_json.h"

#include <string>
#include <vector>

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
  auto parsed = ParseAlertmanagerWebhook(kPayload);
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_TRUE(parsed->invalid.empty());
  const std::vector<domain::Alert>& alerts = parsed->alerts;
  ASSERT_EQ(alerts.size(), 2u);

  const domain::Alert& firing = alerts[0];
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

  const domain::Alert& resolved = alerts[1];
  // A resolution is named by its endsAt too: the alert may fire again under
  // its first startsAt and be resolved a second time.
  EXPECT_EQ(resolved.id,
            "am|77b1c2d3e4f5a6b7|2026-12-02T12:00:00+08:00|2026-12-02T12:30:15.5+08:00|resolved");
  EXPECT_FALSE(resolved.firing);
  EXPECT_TRUE(resolved.drill);
  // Resolved: `at` is endsAt (04:30:15.5 UTC).
  EXPECT_EQ(resolved.at, absl::FromUnixSeconds(1796185815) + absl::Milliseconds(500));
  EXPECT_THAT(resolved.annotations,
              UnorderedElementsAre(Pair("summary", "Probe failure: https://crm.example.org")));
}

TEST(ParseAlertmanagerWebhook, MissingFingerprintUsesOurs) {
  auto parsed = ParseAlertmanagerWebhook(WithAlert(kGoodAlert));
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  ASSERT_EQ(parsed->alerts.size(), 1u);
  EXPECT_EQ(parsed->alerts[0].id,
            "am|" + domain::Fingerprint({{"alertname", "A"}}) + "|2026-12-02T00:00:00Z|firing");
}

TEST(ParseAlertmanagerWebhook, EmptyAlertListIsFine) {
  auto parsed = ParseAlertmanagerWebhook(R"({"version":"4","alerts":[]})");
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_TRUE(parsed->alerts.empty());
  EXPECT_TRUE(parsed->invalid.empty());
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

TEST(ParseAlertmanagerWebhook, AnUnreadableBodyIsRefusedNamingItsPath) {
  const BadCase cases[] = {
      {"not json", "body: "},
      {"[1,2]", "body: "},
      {R"({"version":"4"})", "alerts: "},
      {R"({"version":"4","alerts":{}})", "alerts: "},
  };
  for (const BadCase& c : cases) {
    auto parsed = ParseAlertmanagerWebhook(c.body);
    EXPECT_EQ(parsed.status().code(), absl::StatusCode::kInvalidArgument) << c.body;
    EXPECT_THAT(std::string(parsed.status().message()), StartsWith(c.path)) << c.body;
  }
}

// Each bad alert is set apart with the JSON path of its problem; the good
// alert beside it (first or last in the group) is still read.
TEST(ParseAlertmanagerWebhook, AnUnreadableAlertIsSetApartNamingItsPathAndTheOthersAreRead) {
  const BadCase cases[] = {
      {"[]", "alerts[N]: "},
      {R"({"labels":{"alertname":"A"},"startsAt":"2026-12-02T00:00:00Z"})", "alerts[N].status: "},
      {R"({"status":"pending","labels":{"alertname":"A"},"startsAt":"x"})", "alerts[N].status: "},
      {R"({"status":"firing","startsAt":"2026-12-02T00:00:00Z"})", "alerts[N].labels: "},
      {R"({"status":"firing","labels":[],"startsAt":"2026-12-02T00:00:00Z"})",
       "alerts[N].labels: "},
      {R"({"status":"firing","labels":{"alertname":"B","bad-name":"x"},)"
       R"("startsAt":"2026-12-02T00:00:00Z"})",
       "alerts[N].labels: "},
      {R"({"status":"firing","labels":{"alertname":"A","team":""},)"
       R"("startsAt":"2026-12-02T00:00:00Z"})",
       "alerts[N].labels.team: "},
      {R"({"status":"firing","labels":{"alertname":"A","error":")" + std::string(1025, 'x') +
           R"("},"startsAt":"2026-12-02T00:00:00Z"})",
       "alerts[N].labels.error: "},
      {R"({"status":"firing","labels":{"alertname":1},)"
       R"("startsAt":"2026-12-02T00:00:00Z"})",
       "alerts[N].labels.alertname: "},
      {R"({"status":"firing","labels":{"alertname":"A"},"annotations":{"x":2},)"
       R"("startsAt":"2026-12-02T00:00:00Z"})",
       "alerts[N].annotations.x: "},
      {R"({"status":"firing","labels":{"alertname":"A"}})", "alerts[N].startsAt: "},
      {R"({"status":"firing","labels":{"alertname":"A"},"startsAt":"yesterday"})",
       "alerts[N].startsAt: "},
      {R"({"status":"resolved","labels":{"alertname":"A"},)"
       R"("startsAt":"2026-12-02T00:00:00Z"})",
       "alerts[N].endsAt: "},
      {R"({"status":"resolved","labels":{"alertname":"A"},)"
       R"("startsAt":"2026-12-02T00:00:00Z","endsAt":"0001-01-01T00:00:00Z"})",
       "alerts[N].endsAt: "},
      {R"({"status":"firing","labels":{"alertname":"A"},)"
       R"("startsAt":"2026-12-02T00:00:00Z","fingerprint":7})",
       "alerts[N].fingerprint: "},
  };
  for (const BadCase& c : cases) {
    for (const bool bad_first : {true, false}) {
      const std::string body = bad_first ? WithAlert(c.body + "," + kGoodAlert)
                                         : WithAlert(std::string(kGoodAlert) + "," + c.body);
      const std::string index = bad_first ? "0" : "1";
      auto parsed = ParseAlertmanagerWebhook(body);
      ASSERT_TRUE(parsed.ok()) << parsed.status() << " " << body;
      ASSERT_EQ(parsed->alerts.size(), 1u) << body;
      EXPECT_THAT(parsed->alerts[0].labels, UnorderedElementsAre(Pair("alertname", "A")));
      ASSERT_EQ(parsed->invalid.size(), 1u) << body;
      EXPECT_EQ(parsed->invalid[0].path, "alerts[" + index + "]");
      EXPECT_EQ(parsed->invalid[0].error.code(), absl::StatusCode::kInvalidArgument);
      std::string path = c.path;
      path.replace(path.find('N'), 1, index);
      EXPECT_THAT(std::string(parsed->invalid[0].error.message()), StartsWith(path)) << body;
    }
  }
}

TEST(ParseAlertmanagerWebhook, RedeliveryHasTheSameIdsAndAChangeHasNew) {
  auto first = ParseAlertmanagerWebhook(kPayload);
  auto again = ParseAlertmanagerWebhook(kPayload);
  ASSERT_TRUE(first.ok() && again.ok());
  EXPECT_EQ(first->alerts[0].id, again->alerts[0].id);
  // The same alert once resolved: same labels, another id.
  auto resolved = ParseAlertmanagerWebhook(WithAlert(
      R"({"status":"resolved","labels":{"alertname":"A"},"startsAt":"2026-12-02T00:00:00Z",)"
      R"("endsAt":"2026-12-02T01:00:00Z"})"));
  auto firing = ParseAlertmanagerWebhook(WithAlert(kGoodAlert));
  ASSERT_TRUE(resolved.ok()) << resolved.status();
  ASSERT_TRUE(firing.ok()) << firing.status();
  ASSERT_EQ(resolved->alerts.size(), 1u);
  ASSERT_EQ(firing->alerts.size(), 1u);
  EXPECT_NE(resolved->alerts[0].id, firing->alerts[0].id);
  EXPECT_EQ(resolved->alerts[0].labels, firing->alerts[0].labels);
  EXPECT_THAT(resolved->alerts[0].id, HasSubstr("|resolved"));
  EXPECT_THAT(firing->alerts[0].labels, Contains(Pair("alertname", "A")));
}

}  // namespace
}  // namespace sqms::alerts::codec
