#include "services/alerts/config/alerts_config.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <filesystem>
#include <unistd.h>

#include "absl/strings/str_cat.h"
#include "services/alerts/domain/escalation.h"
#include "tests/source_path.h"

namespace sqms::alerts::config {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Pair;

constexpr const char* kMinimal = R"(time_zone: Asia/Shanghai
risks:
  - {id: safety-incident, name: Safety incident, probability: 3, impact: 5}
rotations:
  - {id: noc, members: [li, wang], start: 2026-01-05}
targets:
  - {id: ops-webhook, url: "http://127.0.0.1:9096/hook"}
plans:
  - id: safety-complaint
    name: Safety complaint
    risk: safety-incident
    level: I
    triggers:
      - matchers: ['alertname="complaint_submitted"', 'category="safety"']
    escalation:
      - {notify: ["rotation:noc"], targets: [ops-webhook], ack_timeout: 30s}
)";

// A directory of this process's own: CTest runs the tests of this file as
// parallel processes, which must not write one another's files.
std::string OwnDir() {
  const std::string dir = absl::StrCat(::testing::TempDir(), "alerts-config-test-", getpid());
  std::filesystem::create_directories(dir);
  return dir;
}

std::string Write(const std::string& yaml) {
  const std::string path = OwnDir() + "/alerts.yaml";
  std::ofstream(path) << yaml;
  return path;
}

// The error LoadSettings gives for `yaml`, without the "<file>: " prefix.
std::string ErrorFor(const std::string& yaml) {
  const std::string path = Write(yaml);
  auto settings = LoadSettings(path);
  if (settings.ok()) return "(loaded)";
  EXPECT_EQ(settings.status().code(), absl::StatusCode::kInvalidArgument);
  const std::string message(settings.status().message());
  const std::string prefix = path + ": ";
  EXPECT_EQ(message.substr(0, prefix.size()), prefix);
  return message.substr(std::min(prefix.size(), message.size()));
}

// kMinimal with each `from` replaced by `to` (each must occur).
std::string Minimal(std::initializer_list<std::pair<std::string, std::string>> edits) {
  std::string yaml = kMinimal;
  for (const auto& [from, to] : edits) {
    const size_t at = yaml.find(from);
    EXPECT_NE(at, std::string::npos) << from;
    if (at != std::string::npos) yaml.replace(at, from.size(), to);
  }
  return yaml;
}

const domain::Plan* FindPlan(const AlertsSettings& s, const std::string& id) {
  for (const auto& p : s.plans) {
    if (p.id == id) return &p;
  }
  return nullptr;
}

TEST(LoadSettingsTest, TheMinimalFileLoadsWithDefaults) {
  auto s = LoadSettings(Write(kMinimal));
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->zone_name, "Asia/Shanghai");
  ASSERT_EQ(s->plans.size(), 1u);
  const domain::Plan& p = s->plans[0];
  EXPECT_EQ(p.level, domain::ResponseLevel::kI);
  EXPECT_EQ(p.escalation[0].ack_timeout, absl::Seconds(30));
  EXPECT_TRUE(p.auto_resolve);
  EXPECT_EQ(p.ack_expiry, absl::ZeroDuration());
  ASSERT_EQ(s->rotations.size(), 1u);
  EXPECT_EQ(s->rotations[0].handover_minute, 9 * 60);
  EXPECT_EQ(s->rotations[0].shift_days, 7);
  ASSERT_EQ(s->targets.size(), 1u);
  EXPECT_EQ(s->targets[0].kind, notify::TargetKind::kGeneric);
  EXPECT_EQ(s->targets[0].max_attempts, 8);
}

TEST(LoadSettingsTest, TheShippedFileLoads) {
  auto s = LoadSettings(sqms::testing::SourceFile("services/alerts/config/alerts.yaml"));
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->zone.name(), "Asia/Shanghai");
  EXPECT_EQ(s->risks.size(), 6u);
  EXPECT_EQ(s->plans.size(), 7u);
  ASSERT_EQ(s->rotations.size(), 1u);
  EXPECT_EQ(s->rotations[0].members.size(), 3u);
  ASSERT_EQ(s->targets.size(), 2u);
  EXPECT_EQ(s->targets[1].kind, notify::TargetKind::kDingTalk);
  EXPECT_EQ(s->targets[0].retry_initial, absl::Seconds(1));
  for (const char* id :
       {"safety-complaint", "p1-sla-breach", "complaint-surge", "answer-rate-collapse",
        "platform-outage", "mass-delay", "staff-shortage"}) {
    const domain::Plan* p = FindPlan(*s, id);
    ASSERT_NE(p, nullptr) << id;
    EXPECT_GE(p->steps.size(), 3u) << id;
    EXPECT_LE(p->steps.size(), 5u) << id;
    EXPECT_GE(p->escalation.size(), 2u) << id;
  }
  const domain::Plan& outage = *FindPlan(*s, "platform-outage");
  EXPECT_TRUE(outage.outage);
  EXPECT_EQ(outage.level, domain::ResponseLevel::kI);
  const domain::Plan& surge = *FindPlan(*s, "complaint-surge");
  EXPECT_EQ(surge.triggers[0].count, 20);
  EXPECT_EQ(surge.triggers[0].within, absl::Minutes(10));
}

TEST(LoadSettingsTest, TheShippedPlansMatchTheAlertsTheServicesRaise) {
  auto s = LoadSettings(sqms::testing::SourceFile("services/alerts/config/alerts.yaml"));
  ASSERT_TRUE(s.ok()) << s.status();
  auto trigger = [&](const char* plan, const domain::Labels& labels) {
    return domain::MatchingTrigger(*FindPlan(*s, plan), labels);
  };
  EXPECT_EQ(trigger("safety-complaint", {{"alertname", "complaint_submitted"},
                                         {"source", "complaints"},
                                         {"category", "safety"},
                                         {"priority", "P1"},
                                         {"station", "wuhan"}}),
            0);
  EXPECT_EQ(trigger("safety-complaint",
                    {{"alertname", "complaint_submitted"}, {"category", "ticketing"}}),
            -1);
  EXPECT_EQ(trigger("safety-complaint", {{"alertname", "complaint_reclassified"},
                                         {"source", "complaints"},
                                         {"category", "safety"},
                                         {"priority", "P1"},
                                         {"station", "wuhan"}}),
            1)
      << "a reclassification into safety opens the safety plan's incident";
  EXPECT_EQ(trigger("safety-complaint",
                    {{"alertname", "complaint_reclassified"}, {"category", "hygiene"}}),
            -1);
  EXPECT_EQ(trigger("p1-sla-breach", {{"alertname", "complaint_sla_breached"}, {"priority", "P1"}}),
            0);
  EXPECT_EQ(trigger("p1-sla-breach", {{"alertname", "complaint_sla_breached"}, {"priority", "P2"}}),
            -1);
  EXPECT_EQ(trigger("answer-rate-collapse", {{"alertname", "kpi_breached"},
                                             {"kpi", "answer_rate"},
                                             {"department", "ticketing-center"}}),
            0);
  EXPECT_EQ(trigger("complaint-surge", {{"alertname", "kpi_surge"},
                                        {"kpi", "complaint_volume"},
                                        {"department", "ticketing-center"}}),
            1);
  EXPECT_EQ(trigger("platform-outage", {{"alertname", "SqmsComplaintsDown"}}), 0);
  EXPECT_EQ(trigger("platform-outage", {{"alertname", "SqmsComplaintsDownstreamSlow"}}), -1);
  EXPECT_EQ(
      trigger("mass-delay", {{"alertname", "complaint_submitted"}, {"category", "timeliness"}}), 1);
  EXPECT_EQ(trigger("staff-shortage",
                    {{"alertname", "kpi_target_missed_repeatedly"}, {"kpi", "answer_rate"}}),
            1);
}

TEST(LoadSettingsTest, TheShippedEscalationAndInhibition) {
  auto s = LoadSettings(sqms::testing::SourceFile("services/alerts/config/alerts.yaml"));
  ASSERT_TRUE(s.ok()) << s.status();
  const absl::Time t0 = absl::UnixEpoch();
  EXPECT_THAT(domain::Schedule(FindPlan(*s, "safety-complaint")->escalation, t0),
              ElementsAre(Pair(domain::EscalationStep{0, 0}, t0),
                          Pair(domain::EscalationStep{0, 1}, t0 + absl::Minutes(5)),
                          Pair(domain::EscalationStep{1, 0}, t0 + absl::Minutes(10)),
                          Pair(domain::EscalationStep{2, 0}, t0 + absl::Minutes(20))));
  const domain::Labels breach = {
      {"alertname", "kpi_breached"}, {"kpi", "answer_rate"}, {"department", "ticketing-center"}};
  const domain::ActiveIncident outage{
      "inc-1", {{"alertname", "PlatformOutage"}, {"department", "ticketing-center"}}};
  EXPECT_EQ(domain::InhibitedBy(s->inhibit_rules, breach, {outage}), "inc-1");
  const domain::ActiveIncident elsewhere{
      "inc-2", {{"alertname", "PlatformOutage"}, {"department", "dispatch-center"}}};
  EXPECT_EQ(domain::InhibitedBy(s->inhibit_rules, breach, {elsewhere}), "");
}

TEST(LoadSettingsTest, ErrorsNameTheKeyAndTheProblem) {
  struct Case {
    std::string yaml;
    std::string error;
  } cases[] = {
      {Minimal({{"    level: I", "    level: I\n    colour: red"}}),
       "plans[0].colour: unknown key (expected one of: id, name, risk, level, triggers, group_by, "
       "steps, escalation, auto_resolve, outage, ack_expiry, known_issue_categories, resolve_after)"},
      {Minimal({{"level: I", "level: V"}}),
       "plans[0].level: 'V' is not a response level (I, II, III or IV)"},
      {Minimal({{"risk: safety-incident", "risk: fire"}}), "plans[0].risk: unknown risk 'fire'"},
      {Minimal({{"targets: [ops-webhook]", "targets: [sms]"}}),
       "plans[0].escalation[0].targets[0]: unknown target 'sms'"},
      {Minimal({{"targets: [ops-webhook]", "targets: []"}}),
       "plans[0].escalation[0].targets: at least one target is required (the people in notify "
       "are reached through targets)"},
      {Minimal({{"rotation:noc", "rotation:night"}}),
       "plans[0].escalation[0].notify[0]: unknown rotation 'night'"},
      // The limits are domain::ValidatePlan's, as for UpsertPlan.
      {Minimal({{"    escalation:\n",
                 "    steps:\n      - {title: Call, owner: duty, expected_minutes: 99999}\n"
                 "    escalation:\n"}}),
       "plans[0].steps[0].expected_minutes: must be in 0..10080 (at most a week)"},
      {Minimal({{"    escalation:\n",
                 "    steps:\n      - {title: Call, owner: duty, expected_minutes: 1.5}\n"
                 "    escalation:\n"}}),
       "plans[0].steps[0].expected_minutes: must be a whole number"},
      {Minimal({{"'category=\"safety\"']", "'category=\"safety\"']\n        count: 1000001"}}),
       "plans[0].triggers[0].count: must be in 0..1000000"},
      {Minimal({{"ack_timeout: 30s", "ack_timeout: 30s, repeats: 101"}}),
       "plans[0].escalation[0].repeats: must be in 0..100"},
      {Minimal({{"'category=\"safety\"'", "'category safety'"}}),
       "plans[0].triggers[0].matchers[1]: 'category safety' is not a matcher (label op \"value\", "
       "op one of = != =~ !~)"},
      {Minimal({{"'category=\"safety\"'", "'category=~\"(safety\"'"}}),
       "plans[0].triggers[0].matchers[1]: '(safety' is not a regular expression: missing ): "
       "(safety"},
      {Minimal({{"'category=\"safety\"']", "'category=\"safety\"']\n        count: 3"}}),
       "plans[0].triggers[0].within: is required when count > 1"},
      {Minimal({{"ack_timeout: 30s", "ack_timeout: 0"}}),
       "plans[0].escalation[0].ack_timeout: must be positive"},
      {Minimal({{"ack_timeout: 30s", "ack_timeout: 5 minutes"}}),
       "plans[0].escalation[0].ack_timeout: \"5 minutes\" is not a duration (use 30s, 5m, 4h, 2d)"},
      {absl::StrCat(kMinimal, "  - id: safety-complaint\n    name: again\n"),
       "plans[1].id: 'safety-complaint' is listed twice"},
      {Minimal({{"id: safety-complaint", "id: Safety"}}),
       "plans[0].id: 'Safety' is not an id (a-z, 0-9 and '-', at most 64)"},
      {Minimal({{"    name: Safety complaint\n", ""}}), "plans[0].name: is required"},
      {Minimal({{"time_zone: Asia/Shanghai", "time_zone: Mars/Olympus"}}),
       "time_zone: unknown time zone 'Mars/Olympus'"},
      {Minimal({{"time_zone", "timezone"}}),
       "timezone: unknown key (expected one of: time_zone, risks, rotations, targets, plans, "
       "inhibit_rules)"},
      {Minimal({{"probability: 3", "probability: 6"}}),
       "risks[0].probability: must be a whole number in 1..5"},
      {Minimal({{"start: 2026-01-05", "start: 2026-02-30"}}),
       "rotations[0].start: '2026-02-30' is not a date (YYYY-MM-DD)"},
      {Minimal({{"members: [li, wang]", "members: []"}}),
       "rotations[0].members: must not be empty"},
      {Minimal({{"url: \"http://127.0.0.1:9096/hook\"", "url: ftp://x"}}),
       "targets[0].url: 'ftp://x' is not an http:// or https:// URL"},
      {Minimal({{"url:", "kind: slack, url:"}}),
       "targets[0].kind: 'slack' is not one of generic, dingtalk, wecom, feishu"},
      {Minimal({{"- matchers:", "- matchers: []\n      - matchers:"}}),
       "plans[0].triggers[0].matchers: at least one matcher is required"},
      {Minimal({{"    level: I\n", "    level: I\n    ack_expiry: -5m\n"}}),
       "plans[0].ack_expiry: \"-5m\" is not a duration (use 30s, 5m, 4h, 2d)"},
      {Minimal({{"    level: I\n", "    level: I\n    group_by: [station-name]\n"}}),
       "plans[0].group_by[0]: 'station-name' is not a label name"},
      {absl::StrCat(kMinimal, "inhibit_rules:\n  - {source: ['alertname=\"x\"'], equal: [a]}\n"),
       "inhibit_rules[0].target: is required"},
      {absl::StrCat(
           kMinimal,
           "inhibit_rules:\n  - {source: ['a=\"x\"'], target: ['b=\"y\"'], equal: [dep-t]}\n"),
       "inhibit_rules[0].equal[0]: 'dep-t' is not a label name"},
      {Minimal({{"'category=\"safety\"'", "'category=~\".*\"'"},
                {"'alertname=\"complaint_submitted\"', ", ""}}),
       "plans[0].triggers[0].matchers: would match every alert (each matcher matches an alert "
       "without labels)"},
      {Minimal(
           {{"category=\"safety\"", absl::StrCat("category=\"", std::string(1025, 's'), "\"")}}),
       "plans[0].triggers[0].matchers[1]: longer than 1024 bytes"},
      {"plans: {id: x}\n", "plans: must be a list"},
      {Minimal({{"    level: I\n", "    level: I\n    resolve_after: 25h\n"}}),
       "plans[0].resolve_after: must be 0..86400 seconds"},
      {Minimal({{"    level: I\n", "    level: I\n    known_issue_categories: [safety, saftey]\n"}}),
       "plans[0].known_issue_categories[1]: 'saftey' is not a complaint category (safety, "
       "timeliness, …)"},
      // A repeated key: yaml-cpp reads the first, so the second (the edit)
      // would be ignored.
      {Minimal({{"time_zone: Asia/Shanghai", "time_zone: Asia/Shanghai\ntime_zone: UTC"}}),
       "time_zone: is given twice"},
      {Minimal({{"    escalation:\n",
                 "    escalation:\n      - {notify: [\"rotation:noc\"], targets: [ops-webhook]}\n"
                 "    escalation:\n"}}),
       "plans[0].escalation: is given twice"},
      {Minimal({{"ack_timeout: 30s", "ack_timeout: 30s, ack_timeout: 1h"}}),
       "plans[0].escalation[0].ack_timeout: is given twice"},
  };
  for (const Case& c : cases) EXPECT_EQ(ErrorFor(c.yaml), c.error) << c.yaml;
}

// requirements.md §3.1: the product decides which risks get a plan.
std::string WithRisk(const std::string& risk) {
  return Minimal({{"probability: 3, impact: 5}\n",
                   absl::StrCat("probability: 3, impact: 5}\n", "  - ", risk, "\n")}});
}

TEST(LoadSettingsTest, ACriticalRiskWithoutAPlanIsRefused) {
  EXPECT_EQ(ErrorFor(WithRisk("{id: mass-delay, name: Mass delay, probability: 4, impact: 5}")),
            "risks[1]: risk 'mass-delay' is critical (score 20) and has no plan: a high or "
            "critical risk needs one (a plan with risk: mass-delay)");
}

TEST(LoadSettingsTest, AHighRiskWithoutAPlanIsRefused) {
  EXPECT_EQ(ErrorFor(WithRisk("{id: mass-delay, name: Mass delay, probability: 3, impact: 4}")),
            "risks[1]: risk 'mass-delay' is high (score 12) and has no plan: a high or "
            "critical risk needs one (a plan with risk: mass-delay)");
  EXPECT_EQ(
      ErrorFor(Minimal({{"risk: safety-incident", "risk: other"},
                        {"risks:\n", "risks:\n  - {id: other, probability: 1, impact: 1}\n"}})),
      "risks[1]: risk 'safety-incident' is high (score 15) and has no plan: a high or "
      "critical risk needs one (a plan with risk: safety-incident)")
      << "its plan moved to another risk";
}

TEST(LoadSettingsTest, AMediumOrLowRiskNeedsNoPlan) {
  auto s = LoadSettings(Write(WithRisk(
      "{id: equipment-fault, probability: 3, impact: 3}\n  - {id: drizzle, probability: 2, "
      "impact: 2}")));
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->risks.size(), 3u);
  EXPECT_EQ(s->plans.size(), 1u);
}

TEST(LoadSettingsTest, ACriticalRiskWithAPlanLoads) {
  auto s =
      LoadSettings(Write(Minimal({{"probability: 3, impact: 5", "probability: 5, impact: 5"}})));
  ASSERT_TRUE(s.ok()) << s.status();
  ASSERT_EQ(s->risks.size(), 1u);
  EXPECT_EQ(domain::RiskLevelOf(domain::RiskScore(s->risks[0])), domain::RiskLevel::kCritical);
  EXPECT_EQ(s->plans[0].risk_id, "safety-incident");
}

TEST(LoadSettingsTest, AckExpiryAndCountingTriggers) {
  auto s = LoadSettings(Write(
      Minimal({{"    level: I\n", "    level: I\n    ack_expiry: 1h30m\n    auto_resolve: false\n"},
               {"'category=\"safety\"']",
                "'category=\"safety\"']\n        count: 3\n        within: 1h"}})));
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->plans[0].ack_expiry, absl::Minutes(90));
  EXPECT_FALSE(s->plans[0].auto_resolve);
  EXPECT_EQ(s->plans[0].triggers[0].count, 3);
  EXPECT_EQ(s->plans[0].triggers[0].within, absl::Hours(1));
}

TEST(LoadSettingsTest, HeadersFromTheFileAFileOrTheEnvironment) {
  const std::string secret = OwnDir() + "/alerts_hook_secret";
  std::ofstream(secret) << "Bearer from-file\n";
  setenv("SQMS_TEST_HOOK_TOKEN", "from-env", 1);
  auto s = LoadSettings(Write(Minimal(
      {{"url: \"http://127.0.0.1:9096/hook\"",
        absl::StrCat("url: \"http://127.0.0.1:9096/hook\", headers: {X-Plain: yes, Authorization: "
                     "{file: ",
                     secret, "}, X-Token: {env: SQMS_TEST_HOOK_TOKEN}}")}})));
  unsetenv("SQMS_TEST_HOOK_TOKEN");
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_THAT(s->targets[0].headers,
              ElementsAre(Pair("X-Plain", "yes"), Pair("Authorization", "Bearer from-file"),
                          Pair("X-Token", "from-env")));
  EXPECT_EQ(
      ErrorFor(Minimal({{"url: \"http://127.0.0.1:9096/hook\"",
                         "url: \"http://x\", headers: {X-Token: {env: SQMS_TEST_UNSET_VAR}}"}})),
      "targets[0].headers.X-Token.env: SQMS_TEST_UNSET_VAR is not set");
}

TEST(LoadSettingsTest, AMissingOrBrokenFile) {
  auto missing = LoadSettings(::testing::TempDir() + "no-such-alerts.yaml");
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(missing.status().message(), HasSubstr("config: --config (SQMS_CONFIG): "));
  EXPECT_THAT(ErrorFor("plans: [\n"), HasSubstr("not YAML"));
}

// Parses `args` (argv[0] implied) into a config.
ServiceConfig Parse(std::vector<std::string> args) {
  ServiceConfig config;
  CLI::App app("test");
  AddFlags(app, config);
  args.insert(args.begin(), "sqms-alerts");
  std::vector<const char*> argv;
  for (const auto& a : args) argv.push_back(a.c_str());
  app.parse(static_cast<int>(argv.size()), argv.data());
  return config;
}

TEST(ServiceConfigTest, FlagsAndDefaults) {
  ServiceConfig c =
      Parse({"--tokens-file", "t", "--config", "a.yaml", "--webhook-listen", "127.0.0.1:0",
             "--webhook-tokens-file", "w", "--workers", "2", "--incidents-topic", "inc"});
  EXPECT_EQ(c.config_file, "a.yaml");
  EXPECT_EQ(c.webhook_listen, "127.0.0.1:0");
  EXPECT_EQ(c.workers, 2);
  EXPECT_EQ(c.incidents_topic, "inc");
  EXPECT_EQ(c.group, "sqms-alerts");
  EXPECT_EQ(c.kpi_topic, "sqms.kpi.v1");
  EXPECT_EQ(c.silence_retention_days, 14);
  EXPECT_EQ(c.first_start_lookback_minutes, 60);
  EXPECT_EQ(c.session_timeout_ms, 10000);
  EXPECT_TRUE(Validate(c).ok()) << Validate(c);
}

TEST(ServiceConfigTest, ValidateNamesTheFlag) {
  EXPECT_EQ(Validate(Parse({"--tokens-file", "t"})).message(),
            "config: --config (SQMS_CONFIG): is required");
  EXPECT_EQ(Validate(Parse({"--tokens-file", "t", "--config", "a", "--webhook-listen", "",
                            "--workers", "0"}))
                .message(),
            "config: --workers (SQMS_WORKERS): 0 is not in 1..1024");
  EXPECT_EQ(Validate(Parse({"--tokens-file", "t", "--config", "a", "--webhook-listen", "nope"}))
                .message(),
            "config: --webhook-listen (SQMS_WEBHOOK_LISTEN): \"nope\" is not host:port");
  EXPECT_TRUE(
      Validate(Parse({"--tokens-file", "t", "--config", "a", "--webhook-listen", ""})).ok());
  EXPECT_EQ(Validate(Parse({"--tokens-file", "t", "--config", "a", "--webhook-listen", "",
                            "--kpi-topic", ""}))
                .message(),
            "config: --kpi-topic (SQMS_KPI_TOPIC): is empty");
  // Shorter than a request id's binding: a retried CreateSilence could
  // create its silence again.
  EXPECT_EQ(Validate(Parse({"--tokens-file", "t", "--config", "a", "--webhook-listen", "",
                            "--silence-retention-days", "7"}))
                .message(),
            "config: --silence-retention-days (SQMS_SILENCE_RETENTION_DAYS): 7 is not in 8..3650");
  EXPECT_EQ(Validate(Parse({"--tokens-file", "t", "--config", "a", "--webhook-listen", "",
                            "--first-start-lookback-minutes", "-1"}))
                .message(),
            "config: --first-start-lookback-minutes (SQMS_FIRST_START_LOOKBACK_MINUTES): -1 is "
            "not in 0..43200");
  EXPECT_TRUE(Validate(Parse({"--tokens-file", "t", "--config", "a", "--webhook-listen", "",
                              "--first-start-lookback-minutes", "0"}))
                  .ok());
}

// The webhook receiver listens by default (0.0.0.0:9095) and fails closed:
// no token file is a start-up error naming the flag, unless the operator
// opts out explicitly.
TEST(ServiceConfigTest, TheWebhookRefusesToListenWithoutTokens) {
  const absl::Status defaults = Validate(Parse({"--tokens-file", "t", "--config", "a"}));
  EXPECT_EQ(defaults.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(defaults.message(),
              HasSubstr("config: --webhook-tokens-file (SQMS_WEBHOOK_TOKENS_FILE): is required "
                        "while --webhook-listen is set (\"0.0.0.0:9095\")"));
  EXPECT_THAT(defaults.message(), HasSubstr("--webhook-insecure-no-auth"));
  EXPECT_FALSE(
      Validate(Parse({"--tokens-file", "t", "--config", "a", "--webhook-listen", "127.0.0.1:0"}))
          .ok());
}

TEST(ServiceConfigTest, TheWebhookListensWithTokensOrTheExplicitOptOut) {
  EXPECT_TRUE(
      Validate(Parse({"--tokens-file", "t", "--config", "a", "--webhook-tokens-file", "w"})).ok());
  ServiceConfig insecure =
      Parse({"--tokens-file", "t", "--config", "a", "--webhook-insecure-no-auth"});
  EXPECT_TRUE(insecure.webhook_insecure_no_auth);
  EXPECT_TRUE(Validate(insecure).ok()) << Validate(insecure);
  // The environment, as a ConfigMap sets it.
  ::setenv("SQMS_WEBHOOK_INSECURE_NO_AUTH", "true", 1);
  EXPECT_TRUE(Parse({"--tokens-file", "t", "--config", "a"}).webhook_insecure_no_auth);
  ::unsetenv("SQMS_WEBHOOK_INSECURE_NO_AUTH");
  EXPECT_FALSE(Parse({"--tokens-file", "t", "--config", "a"}).webhook_insecure_no_auth);
  // Off: nothing to authenticate.
  EXPECT_TRUE(
      Validate(Parse({"--tokens-file", "t", "--config", "a", "--webhook-listen", ""})).ok());
  // Both: which would hold? Refused.
  EXPECT_EQ(Validate(Parse({"--tokens-file", "t", "--config", "a", "--webhook-tokens-file", "w",
                            "--webhook-insecure-no-auth"}))
                .message(),
            "config: --webhook-insecure-no-auth (SQMS_WEBHOOK_INSECURE_NO_AUTH): conflicts with "
            "--webhook-tokens-file: give one or the other");
}

}  // namespace
}  // namespace sqms::alerts::config
