#include "services/alerts/config/alerts_config.h"

#include <algorithm>
#include <set>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "services/alerts/codec/event_alerts.h"
#include "services/alerts/config/yaml_values.h"
#include "sqms/runtime/yaml_reader.h"

namespace sqms::alerts::config {

using runtime::YamlReader;

void AddFlags(CLI::App& app, ServiceConfig& config) {
  runtime::AddCommonFlags(app, config.common);
  runtime::AddFlag(app, "config", config.config_file,
                   "Risks, rotations, targets, plans, inhibition rules (YAML; alerts.yaml)");
  runtime::AddFlag(app, "instance-id", config.instance_id,
                   "This replica's name (leases, timer ownership); default: host name");
  runtime::AddFlag(app, "ready-file", config.ready_file,
                   "Written with {\"grpc_port\",\"metrics_port\"} once serving");
  runtime::AddFlag(app, "group", config.group, "Kafka consumer group");
  runtime::AddFlag(app, "complaints-topic", config.complaints_topic,
                   "Kafka topic of complaint events (alerts from complaints)");
  runtime::AddFlag(app, "kpi-topic", config.kpi_topic,
                   "Kafka topic of KPI breach and recovery events (alerts from metrics)");
  runtime::AddFlag(app, "incidents-topic", config.incidents_topic,
                   "Kafka topic the incident events are published to");
  runtime::AddFlag(app, "webhook-listen", config.webhook_listen,
                   "host:port of the Alertmanager webhook receiver; empty: off");
  runtime::AddFlag(app, "webhook-tokens-file", config.webhook_tokens_file,
                   "Bearer tokens the webhook receiver accepts, one per line; required while "
                   "--webhook-listen is set (see --webhook-insecure-no-auth)");
  runtime::AddSwitch(app, "webhook-insecure-no-auth", config.webhook_insecure_no_auth,
                     "Let the webhook receiver accept requests without a token (a warning at "
                     "start-up); only where nobody else can reach it");
  runtime::AddFlag(app, "workers", config.workers, "Threads that run requests (1..1024)");
  runtime::AddFlag(app, "worker-queue", config.worker_queue,
                   "Requests waiting for a worker before new ones are refused (1..1000000)");
  runtime::AddFlag(app, "first-start-lookback-minutes", config.first_start_lookback_minutes,
                   "On the consumer group's first start, events older than this are passed "
                   "over, not paged (0..43200); later starts handle everything they missed");
  runtime::AddFlag(app, "session-timeout-ms", config.session_timeout_ms,
                   "How soon the consumer group reassigns a dead replica's partitions "
                   "(6000..300000)");
  runtime::AddFlag(app, "silence-retention-days", config.silence_retention_days,
                   "Days an expired silence is kept (and listed by silence list --all) before it "
                   "is deleted (8..3650: at least the 8 days a request id is bound)");
}

namespace {

// The webhook receiver fails closed: listening needs a token file, or the
// explicit opt-out; never both (which one would hold?).
absl::Status ValidateWebhookAuth(const ServiceConfig& config) {
  const bool tokens = !config.webhook_tokens_file.empty();
  if (config.webhook_insecure_no_auth && tokens) {
    return runtime::ConfigError("webhook-insecure-no-auth",
                                "conflicts with --webhook-tokens-file: give one or the other");
  }
  if (config.webhook_listen.empty() || tokens || config.webhook_insecure_no_auth) {
    return absl::OkStatus();
  }
  return runtime::ConfigError(
      "webhook-tokens-file",
      absl::StrCat("is required while --webhook-listen is set (\"", config.webhook_listen,
                   "\"): the Alertmanager receiver accepts no request without a token. Give a "
                   "token file, --webhook-listen= to turn the receiver off, or "
                   "--webhook-insecure-no-auth to accept unauthenticated requests"));
}

}  // namespace

absl::Status Validate(const ServiceConfig& config) {
  if (auto s = runtime::Validate(config.common); !s.ok()) return s;
  if (config.config_file.empty()) return runtime::ConfigError("config", "is required");
  auto range = [](std::string_view flag, int value, int lo, int hi) {
    if (value >= lo && value <= hi) return absl::OkStatus();
    return runtime::ConfigError(flag, absl::StrCat(value, " is not in ", lo, "..", hi));
  };
  for (absl::Status s :
       {range("workers", config.workers, 1, 1024),
        range("worker-queue", config.worker_queue, 1, 1000000),
        range("silence-retention-days", config.silence_retention_days, 8, 3650),
        range("first-start-lookback-minutes", config.first_start_lookback_minutes, 0, 43200),
        range("session-timeout-ms", config.session_timeout_ms, 6000, 300000)}) {
    if (!s.ok()) return s;
  }
  for (auto [flag, value] :
       {std::pair{"group", &config.group}, std::pair{"complaints-topic", &config.complaints_topic},
        std::pair{"kpi-topic", &config.kpi_topic},
        std::pair{"incidents-topic", &config.incidents_topic}}) {
    if (value->empty()) return runtime::ConfigError(flag, "is empty");
  }
  if (!config.webhook_listen.empty()) {
    std::string host;
    int port = 0;
    if (!runtime::ParseHostPort(config.webhook_listen, "webhook-listen", &host, &port).ok()) {
      return runtime::ConfigError("webhook-listen",
                                  absl::StrCat("\"", config.webhook_listen, "\" is not host:port"));
    }
  }
  return ValidateWebhookAuth(config);
}

namespace {

// ValidatePlan names fields as the API does; the file's keys differ a little
// ("risk_id" is `risk`, "…_seconds" are durations, a matcher is one string).
std::string FileKey(const std::string& api_field) {
  static const std::pair<std::string_view, std::string_view> kRenames[] = {
      {"risk_id", "risk"},
      {"owner_role", "owner"},
      {"within_seconds", "within"},
      {"ack_timeout_seconds", "ack_timeout"},
      {"ack_expiry_seconds", "ack_expiry"},
      {"resolve_after_seconds", "resolve_after"}};
  std::vector<std::string> out;
  for (absl::string_view part : absl::StrSplit(api_field, '.')) {
    std::string segment(part);
    if (!out.empty() && out.back().starts_with("matchers[")) break;
    for (auto [api, file] : kRenames) {
      if (segment == api) segment = std::string(file);
    }
    out.push_back(std::move(segment));
  }
  return absl::StrJoin(out, ".");
}

std::vector<std::string> IdsOf(const auto& items) {
  std::vector<std::string> ids;
  for (const auto& item : items) ids.push_back(item.id);
  return ids;
}

// Reads the sections of the file into `out`; each returns the first error.
class Loader {
 public:
  explicit Loader(std::string path) : r_(path), v_(r_) {}

  absl::Status Load(const YAML::Node& root, AlertsSettings& out) {
    if (auto s = r_.CheckMap(
            root, "", {"time_zone", "risks", "rotations", "targets", "plans", "inhibit_rules"});
        !s.ok()) {
      return s;
    }
    if (auto s = Zone(root["time_zone"], out); !s.ok()) return s;
    // In this order: later sections refer to the ids of earlier ones.
    using Section =
        absl::Status (Loader::*)(const YAML::Node&, const std::string&, AlertsSettings&);
    for (const auto& section : {std::pair<const char*, Section>{"risks", &Loader::Risk},
                                {"rotations", &Loader::Rotation},
                                {"targets", &Loader::Target},
                                {"plans", &Loader::Plan},
                                {"inhibit_rules", &Loader::InhibitRule}}) {
      // Not a structured binding: clang 14 cannot capture one in a lambda.
      const char* key = section.first;
      const Section read = section.second;
      auto each = [&](const YAML::Node& n, const std::string& p) {
        return (this->*read)(n, p, out);
      };
      if (auto s = v_.List(root[key], key, each); !s.ok()) return s;
    }
    return RisksHavePlans(out);
  }

 private:
  absl::Status Zone(const YAML::Node& node, AlertsSettings& out) {
    out.zone_name = "UTC";
    if (node) {
      auto name = r_.Scalar(node, "time_zone");
      if (!name.ok()) return name.status();
      out.zone_name = *name;
    }
    if (!absl::LoadTimeZone(out.zone_name, &out.zone)) {
      return r_.Error("time_zone", absl::StrCat("unknown time zone '", out.zone_name, "'"));
    }
    return absl::OkStatus();
  }

  absl::Status Risk(const YAML::Node& node, const std::string& path, AlertsSettings& out) {
    if (auto s = r_.CheckMap(node, path, {"id", "name", "probability", "impact"}); !s.ok()) {
      return s;
    }
    domain::Risk risk;
    for (absl::Status s :
         {v_.Id(node, path, risk_ids_, risk.id), v_.Text(node, path, "name", risk.name),
          v_.Int(node, path, "probability", 1, 5, risk.probability, true),
          v_.Int(node, path, "impact", 1, 5, risk.impact, true)}) {
      if (!s.ok()) return s;
    }
    if (risk.name.empty()) risk.name = risk.id;
    out.risks.push_back(std::move(risk));
    return absl::OkStatus();
  }

  // requirements.md §3.1: a high or critical risk needs a plan of this
  // file. Plans created through UpsertPlan do not count: the store may be
  // empty (a new Redis) and no such plan can be relied on at start-up.
  absl::Status RisksHavePlans(const AlertsSettings& out) {
    for (size_t i = 0; i < out.risks.size(); ++i) {
      const domain::Risk& risk = out.risks[i];
      const bool planned = std::any_of(out.plans.begin(), out.plans.end(),
                                       [&](const domain::Plan& p) { return p.risk_id == risk.id; });
      if (planned || !domain::NeedsPlan(risk)) continue;
      return r_.Error(absl::StrCat("risks[", i, "]"),
                      absl::StrCat(domain::DescribeLevel(risk),
                                   " and has no plan: a high or critical risk needs one (a plan "
                                   "with risk: ",
                                   risk.id, ")"));
    }
    return absl::OkStatus();
  }

  absl::Status Rotation(const YAML::Node& node, const std::string& path, AlertsSettings& out) {
    if (auto s = r_.CheckMap(node, path, {"id", "members", "start", "handover", "shift_days"});
        !s.ok()) {
      return s;
    }
    domain::Rotation rotation;
    for (absl::Status s : {v_.Id(node, path, rotation_ids_, rotation.id),
                           v_.Names(node, path, "members", rotation.members, true),
                           v_.Date(node, path, "start", rotation.start_day),
                           v_.Clock(node, path, "handover", rotation.handover_minute),
                           v_.Int(node, path, "shift_days", 1, 366, rotation.shift_days, false)}) {
      if (!s.ok()) return s;
    }
    out.rotations.push_back(std::move(rotation));
    return absl::OkStatus();
  }

  absl::Status Target(const YAML::Node& node, const std::string& path, AlertsSettings& out) {
    if (auto s = r_.CheckMap(node, path,
                             {"id", "kind", "url", "headers", "rate_per_minute", "max_attempts",
                              "retry_initial", "retry_max", "timeout"});
        !s.ok()) {
      return s;
    }
    notify::Target t;
    std::string kind = "generic";
    for (absl::Status s : {v_.Id(node, path, target_ids_, t.id), v_.Text(node, path, "kind", kind),
                           v_.Url(node, path, "url", t.url), v_.Headers(node, path, t.headers),
                           v_.Positive(node, path, "rate_per_minute", t.rate_per_minute),
                           v_.Int(node, path, "max_attempts", 1, 100, t.max_attempts, false),
                           v_.Span(node, path, "retry_initial", t.retry_initial, false),
                           v_.Span(node, path, "retry_max", t.retry_max, false),
                           v_.Span(node, path, "timeout", t.timeout, false)}) {
      if (!s.ok()) return s;
    }
    if (!notify::ParseTargetKind(kind, &t.kind)) {
      return r_.Error(YamlReader::Join(path, "kind"),
                      absl::StrCat("'", kind, "' is not one of generic, dingtalk, wecom, feishu"));
    }
    if (t.retry_max < t.retry_initial) {
      return r_.Error(YamlReader::Join(path, "retry_max"), "must not be less than retry_initial");
    }
    out.targets.push_back(std::move(t));
    return absl::OkStatus();
  }

  absl::Status Plan(const YAML::Node& node, const std::string& path, AlertsSettings& out) {
    if (auto s = r_.CheckMap(node, path,
                             {"id", "name", "risk", "level", "triggers", "group_by", "steps",
                              "escalation", "auto_resolve", "outage", "ack_expiry",
                              "known_issue_categories", "resolve_after"});
        !s.ok()) {
      return s;
    }
    domain::Plan plan;
    std::string level;
    for (absl::Status s :
         {v_.Id(node, path, plan_ids_, plan.id), v_.Text(node, path, "name", plan.name, true),
          v_.Text(node, path, "risk", plan.risk_id, true),
          v_.Text(node, path, "level", level, true),
          v_.Names(node, path, "group_by", plan.group_by, false),
          v_.Names(node, path, "known_issue_categories", plan.known_issue_categories, false),
          v_.Bool(node, path, "auto_resolve", plan.auto_resolve),
          v_.Bool(node, path, "outage", plan.outage),
          v_.Span(node, path, "ack_expiry", plan.ack_expiry, true),
          v_.Span(node, path, "resolve_after", plan.resolve_after, true)}) {
      if (!s.ok()) return s;
    }
    auto parsed = domain::ParseResponseLevel(level);
    if (!parsed) {
      return r_.Error(YamlReader::Join(path, "level"),
                      absl::StrCat("'", level, "' is not a response level (I, II, III or IV)"));
    }
    plan.level = *parsed;
    for (absl::Status s : {PlanLists(node, path, plan), Check(plan, path, out)}) {
      if (!s.ok()) return s;
    }
    out.plans.push_back(std::move(plan));
    return absl::OkStatus();
  }

  absl::Status PlanLists(const YAML::Node& node, const std::string& path, domain::Plan& plan) {
    for (const char* key : {"triggers", "escalation"}) {
      if (auto s = r_.Require(node, path, key); !s.ok()) return s;
    }
    auto trigger = [&](const YAML::Node& n, const std::string& p) {
      auto t = v_.Trigger(n, p);
      if (!t.ok()) return t.status();
      plan.triggers.push_back(*std::move(t));
      return absl::OkStatus();
    };
    auto step = [&](const YAML::Node& n, const std::string& p) {
      auto s = v_.Step(n, p);
      if (!s.ok()) return s.status();
      plan.steps.push_back(*std::move(s));
      return absl::OkStatus();
    };
    auto tier = [&](const YAML::Node& n, const std::string& p) {
      auto t = v_.Tier(n, p);
      if (!t.ok()) return t.status();
      plan.escalation.push_back(*std::move(t));
      return absl::OkStatus();
    };
    for (absl::Status s :
         {v_.List(node["triggers"], YamlReader::Join(path, "triggers"), trigger),
          v_.List(node["steps"], YamlReader::Join(path, "steps"), step),
          v_.List(node["escalation"], YamlReader::Join(path, "escalation"), tier)}) {
      if (!s.ok()) return s;
    }
    return absl::OkStatus();
  }

  // The domain's own rules — the very check UpsertPlan applies (through
  // app::PlanChanges), references and limits included — reported under
  // the file's key names. The readers above only parse.
  absl::Status Check(const domain::Plan& plan, const std::string& path, const AlertsSettings& out) {
    auto violations =
        domain::ValidatePlan(plan, domain::PlanReferences{.risks = IdsOf(out.risks),
                                                          .targets = IdsOf(out.targets),
                                                          .rotations = IdsOf(out.rotations)});
    for (size_t i = 0; i < plan.known_issue_categories.size(); ++i) {
      if (!codec::IsComplaintCategory(plan.known_issue_categories[i])) {
        violations.push_back({absl::StrCat("known_issue_categories[", i, "]"),
                              absl::StrCat("'", plan.known_issue_categories[i],
                                           "' is not a complaint category (safety, timeliness, …)")});
      }
    }
    if (violations.empty()) return absl::OkStatus();
    return r_.Error(YamlReader::Join(path, FileKey(violations.front().field)),
                    violations.front().problem);
  }

  absl::Status InhibitRule(const YAML::Node& node, const std::string& path, AlertsSettings& out) {
    if (auto s = r_.CheckMap(node, path, {"source", "target", "equal"}); !s.ok()) return s;
    domain::InhibitRule rule;
    for (auto [key, into] :
         {std::pair{"source", &rule.source}, std::pair{"target", &rule.target}}) {
      if (auto s = r_.Require(node, path, key); !s.ok()) return s;
      auto matchers = v_.Matchers(node[key], YamlReader::Join(path, key));
      if (!matchers.ok()) return matchers.status();
      *into = *std::move(matchers);
    }
    if (auto s = v_.LabelNames(node, path, "equal", rule.equal); !s.ok()) return s;
    out.inhibit_rules.push_back(std::move(rule));
    return absl::OkStatus();
  }

  YamlReader r_;
  YamlValues v_;
  std::set<std::string> risk_ids_, rotation_ids_, target_ids_, plan_ids_;
};

}  // namespace

absl::StatusOr<AlertsSettings> LoadSettings(const std::string& path) {
  auto content = runtime::ReadFileToString(path);
  if (!content.ok()) return runtime::ConfigError("config", std::string(content.status().message()));
  AlertsSettings out;
  try {
    const YAML::Node root = YAML::Load(*content);
    if (auto s = Loader(path).Load(root, out); !s.ok()) return s;
  } catch (const YAML::Exception& e) {
    return absl::InvalidArgumentError(absl::StrCat(path, ": not YAML: ", e.what()));
  }
  return out;
}

}  // namespace sqms::alerts::config
