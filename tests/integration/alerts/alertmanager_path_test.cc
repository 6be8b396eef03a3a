// The whole alerting path with the real tools and the shipped configs: a
// real Prometheus scrapes the services with deploy/prometheus/rules/
// complaints.rules.yml loaded — its SqmsComplaintsDown fires for a
// complaints target nobody listens on — and sends to a real Alertmanager
// running deploy/alertmanager/alertmanager.yml, whose sqms-alerts receiver
// posts (with the bearer token from its credentials_file) to the alerts
// service's webhook, which opens an incident of plan "outage" and pages.
// Only what a test machine cannot have is substituted: the receiver's URL
// and token path, the rule's `for: 2m` (1 s) and the rule groups' interval.

#include <gtest/gtest.h>

#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "sqms/runtime/http/http_client.h"
#include "tests/integration/alerts/alerts_stack.h"
#include "tests/integration/alerts/plans.h"
#include "tests/support/prometheus_server.h"
#include "tests/support/service_client.h"

namespace sqms::alerts::it {
namespace {

using testing::Await;

constexpr char kWebhookToken[] = "am-path-webhook-token";
constexpr char kShippedUrl[] = "http://alerts.sqms.svc:9095/api/v1/alertmanager";
constexpr char kShippedTokenFile[] = "/etc/alertmanager/secrets/alerts-webhook-token/token";

// The binary Debian ships Alertmanager as, or the upstream name.
std::string AlertmanagerBinary() {
  for (const char* path : {"/usr/bin/prometheus-alertmanager", "/usr/bin/alertmanager"}) {
    if (!testing::ReadFile(path).empty()) return path;
  }
  return "";
}

// `text` with each pair replaced; fails the test when one is not found
// (the shipped file changed under the test).
std::string Substitute(const std::string& text,
                       const std::vector<std::pair<std::string, std::string>>& pairs) {
  std::string out = text;
  for (const auto& [from, to] : pairs) {
    EXPECT_TRUE(absl::StrContains(out, from)) << "\"" << from << "\" not in the shipped file";
    out = absl::StrReplaceAll(out, {{from, to}});
  }
  return out;
}

std::vector<av1::Incident> OutageIncidents(av1::AlertService::Stub& stub) {
  av1::ListIncidentsRequest request;
  request.set_plan_id("outage");
  av1::ListIncidentsResponse response;
  if (!stub.ListIncidents(Ctx().get(), request, &response).ok()) return {};
  return {response.incidents().begin(), response.incidents().end()};
}

TEST(AlertmanagerPathTest, AFiringRuleReachesTheServiceThroughAlertmanagerAndOpensAnIncident) {
  const std::string am_binary = AlertmanagerBinary();
  ASSERT_FALSE(am_binary.empty()) << "no prometheus-alertmanager (scripts/install-deps.sh)";
  auto stack = AlertsStack::Start({.name = "alerts-am-path", .plans = kPlans}, kWebhookToken);
  ASSERT_TRUE(stack.ok()) << stack.status();
  const std::string dir = (*stack)->dir();

  // Alertmanager with the shipped routing, posting to this stack's receiver.
  ASSERT_TRUE(testing::WriteTextFile(dir + "/am-token", kWebhookToken).ok());
  ASSERT_TRUE(testing::WriteTextFile(
      dir + "/alertmanager.yml",
      Substitute(testing::ReadFile(testing::SourcePath("deploy/alertmanager/alertmanager.yml")),
                 {{kShippedUrl, absl::StrCat("http://127.0.0.1:", (*stack)->webhook_port(),
                                             "/api/v1/alertmanager")},
                  {kShippedTokenFile, dir + "/am-token"}})).ok());
  auto alertmanager = testing::StartOnFreePort(
      "alertmanager",
      [&](int port) -> std::vector<std::string> {
        return {am_binary, "--config.file=" + dir + "/alertmanager.yml",
                "--storage.path=" + dir + "/am-data",
                absl::StrCat("--web.listen-address=127.0.0.1:", port), "--cluster.listen-address="};
      },
      dir + "/alertmanager.log", testing::ReadyEndpointUp);
  ASSERT_TRUE(alertmanager.ok()) << alertmanager.status();
  const int am_port = alertmanager->port;

  // Prometheus: the shipped complaints rules, the complaints job on a port
  // nobody listens on (up == 0), the alerts service scraped as deployed.
  ASSERT_TRUE(testing::WriteTextFile(
                  dir + "/complaints.rules.yml",
                  Substitute(testing::ReadFile(testing::SourcePath(
                                 "deploy/prometheus/rules/complaints.rules.yml")),
                             {{"interval: 30s", "interval: 1s"},
                              {"expr: up{job=\"sqms-complaints\"} == 0\n        for: 2m",
                               "expr: up{job=\"sqms-complaints\"} == 0\n        for: 1s"}}))
                  .ok());
  ASSERT_TRUE(testing::WriteTextFile(
      dir + "/prometheus.yml",
      absl::StrCat("global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\n"
                   "rule_files:\n  - complaints.rules.yml\n"
                   "alerting:\n  alertmanagers:\n    - static_configs:\n"
                   "        - targets: ['127.0.0.1:", am_port, "']\n"
                   "scrape_configs:\n"
                   "  - job_name: sqms-complaints\n    static_configs:\n"
                   "      - targets: ['127.0.0.1:", testing::FreePort(), "']\n"
                   "        labels: {service: complaints}\n"
                   "  - job_name: sqms-alerts\n    static_configs:\n"
                   "      - targets: ['127.0.0.1:", (*stack)->metrics_port(), "']\n"
                   "        labels: {service: alerts}\n")).ok());
  auto prometheus = testing::StartOnFreePort(
      "prometheus",
      [&](int port) -> std::vector<std::string> {
        return {"/usr/bin/prometheus", "--config.file=" + dir + "/prometheus.yml",
                "--storage.tsdb.path=" + dir + "/prometheus-data",
                absl::StrCat("--web.listen-address=127.0.0.1:", port)};
      },
      dir + "/prometheus.log", testing::ReadyEndpointUp);
  ASSERT_TRUE(prometheus.ok()) << prometheus.status();

  // Scrape (1 s), rule (1 s + for 1 s), Alertmanager's group_wait (10 s on
  // the sqms-alerts route), the POST: an incident well within a minute.
  auto stub = (*stack)->Alerts();
  std::vector<av1::Incident> incidents;
  ASSERT_TRUE(Await([&] { return !(incidents = OutageIncidents(*stub)).empty(); },
                    absl::Seconds(90), absl::Milliseconds(250)))
      << "no incident; alertmanager log:\n" << testing::ReadFile(dir + "/alertmanager.log")
      << "\nalerts log:\n" << testing::ReadFile(dir + "/alerts-0-0.log");
  ASSERT_EQ(incidents.size(), 1u) << "one incident per service (group_by [service])";
  const av1::Incident& incident = incidents[0];
  EXPECT_TRUE(incident.outage());
  EXPECT_EQ(incident.level(), "I");
  // The plan's group labels: the `service` Prometheus' target gave the rule.
  ASSERT_EQ(incident.labels().size(), 1u);
  EXPECT_EQ(incident.labels().count("service"), 1u);
  if (incident.labels().count("service") == 1) {
    EXPECT_EQ(incident.labels().at("service"), "complaints");
  }
  EXPECT_EQ(incident.alerts_total(), 1) << "Alertmanager's repeats count once";
  EXPECT_EQ(incident.alerts_firing(), 1);
  // Counted as an alert from Alertmanager, and the plan's tier 0 paged.
  EXPECT_NE((*stack)->ScrapeMetrics().find("sqms_alerts_received_total{source=\"alertmanager\"} "),
            std::string::npos);
  EXPECT_EQ((*stack)->ScrapeMetrics().find("sqms_alerts_received_total{source=\"alertmanager\"} 0\n"),
            std::string::npos);
  EXPECT_TRUE(Await([&] { return !(*stack)->Pages(incident.id(), "triggered").empty(); },
                    absl::Seconds(10)));

  prometheus->process->Terminate(absl::Seconds(10));
  alertmanager->process->Terminate(absl::Seconds(10));
}

// The receiver refuses a request without the token Alertmanager is given:
// the credentials_file is what makes the path above work.
TEST(AlertmanagerPathTest, TheWebhookRefusesARequestWithoutTheToken) {
  auto stack = AlertsStack::Start({.name = "alerts-am-token", .plans = kPlans}, kWebhookToken);
  ASSERT_TRUE(stack.ok()) << stack.status();
  runtime::HttpClient http;
  runtime::HttpRequest request;
  request.method = "POST";
  request.url = absl::StrCat("http://127.0.0.1:", (*stack)->webhook_port(), "/api/v1/alertmanager");
  request.headers = {{"Content-Type", "application/json"}};
  request.body = R"({"version": "4", "status": "firing", "alerts": []})";
  request.headers.emplace_back("Authorization", "Bearer rotated-away-0123");
  auto response = http.SendAndWait(request);
  ASSERT_TRUE(response.ok()) << response.status();
  EXPECT_EQ(response->status, 401) << response->body;

  // Not silent: counted (SqmsAlertsWebhookUnauthorized reads it) and logged
  // with why, never with the token.
  const std::string counted =
      "sqms_http_requests_total{code=\"401\",route=\"/api/v1/alertmanager\",server=\"webhook\"} 1";
  EXPECT_TRUE(Await([&] { return absl::StrContains((*stack)->ScrapeMetrics(), counted); },
                    absl::Seconds(10)))
      << (*stack)->ScrapeMetrics();
  const std::string log_path = absl::StrCat((*stack)->dir(), "/alerts-0-0.log");
  auto log_text = [&] {
    std::ifstream in(log_path);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
  };
  EXPECT_TRUE(Await(
      [&] {
        const std::string text = log_text();
        return absl::StrContains(text, "\"msg\":\"http request refused\"") &&
               absl::StrContains(text, "\"reason\":\"wrong credentials\"") &&
               absl::StrContains(text, "\"path\":\"/api/v1/alertmanager\"");
      },
      absl::Seconds(10)))
      << log_text();
  EXPECT_FALSE(absl::StrContains(log_text(), "rotated-away-0123"));
}

}  // namespace
}  // namespace sqms::alerts::it
