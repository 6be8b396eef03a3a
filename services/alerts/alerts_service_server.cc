#include "services/alerts/alerts_service_server.h"

#include <fstream>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "services/alerts/adapters/alert_keys.h"
#include "services/alerts/adapters/alert_stats.h"
#include "services/alerts/adapters/alertmanager_receiver.h"
#include "services/alerts/adapters/event_consumer.h"
#include "services/alerts/adapters/incident_watch_feed.h"
#include "services/alerts/adapters/redis_alert_store.h"
#include "services/alerts/adapters/webhook_dispatcher.h"
#include "services/alerts/app/alert_processor.h"
#include "services/alerts/app/catalog.h"
#include "services/alerts/app/escalator.h"
#include "services/alerts/app/incident_commands.h"
#include "services/alerts/app/plan_changes.h"
#include "services/alerts/codec/plan_codec.h"
#include "services/alerts/rpc/alerts_grpc_service.h"
#include "services/alerts/rpc/roles.h"
#include "sqms/runtime/auth.h"
#include "sqms/runtime/clock.h"
#include "sqms/runtime/durable_timers.h"
#include "sqms/runtime/grpc_server.h"
#include "sqms/runtime/http/http_client.h"
#include "sqms/runtime/http/http_server.h"
#include "sqms/runtime/log.h"
#include "sqms/runtime/metrics.h"
#include "sqms/runtime/periodic_task.h"
#include "sqms/runtime/redis_client.h"
#include "sqms/runtime/single_outbox_relay.h"
#include "sqms/runtime/worker_pool.h"

namespace sqms::alerts {

// Declaration order is construction order; destruction runs backwards, so
// everything outlives what uses it.
struct AlertsServiceServer::Parts {
  runtime::SystemClock clock;
  runtime::KafkaConnection kafka;  // brokers and --kafka-properties-file
  std::unique_ptr<app::Catalog> catalog;
  std::unique_ptr<runtime::TokenAuthenticator> auth;
  std::unique_ptr<runtime::MetricsServer> metrics;
  std::unique_ptr<runtime::RpcMetrics> rpc_metrics;
  std::unique_ptr<adapters::AlertMetrics> alert_metrics;
  std::unique_ptr<runtime::RedisClient> redis;
  runtime::SingleOutboxRelay outbox;  // sqms.incidents.v1
  std::unique_ptr<adapters::RedisAlertStore> store;
  std::unique_ptr<app::PlanChanges> plans;  // the plans in force into `catalog`
  std::unique_ptr<runtime::PeriodicTask> plan_refresh;
  std::unique_ptr<runtime::HttpClient> http;
  // Set once the timers exist; the app wakes them after writing deliveries.
  runtime::DurableTimers* timers_ptr = nullptr;
  std::unique_ptr<app::AlertProcessor> processor;
  std::unique_ptr<app::IncidentCommands> commands;
  std::unique_ptr<runtime::PeriodicTask> silence_pruning;  // runs `commands`
  std::unique_ptr<app::Escalator> escalator;
  std::unique_ptr<adapters::WebhookDispatcher> dispatcher;
  std::unique_ptr<runtime::DurableTimers> timers;
  std::unique_ptr<adapters::EventConsumer> consumer;
  std::unique_ptr<runtime::HttpServer> webhook;
  rpc::IncidentHub watch_hub;
  std::unique_ptr<runtime::KafkaWatchFeed> watch_feed;  // feeds watch_hub
  std::unique_ptr<runtime::WorkerPool> pool;
  std::unique_ptr<rpc::AlertsGrpcService> rpc;
  std::unique_ptr<runtime::GrpcServer> server;
  bool stopped = false;
};

namespace {

// How soon a plan changed on another replica is in force here.
constexpr absl::Duration kPlanRefreshPeriod = absl::Seconds(1);
// How often expired silences past their retention are deleted (by every
// replica: a silence deleted twice is deleted once).
constexpr absl::Duration kSilencePruningPeriod = absl::Hours(1);

// sqms_incidents_open{level,drill}: active incidents by response level, read
// from the store at scrape (the same figure on every replica); every level
// at 0 when none.
runtime::MetricsServer::GaugeSeries OpenIncidents(ports::AlertStore& store) {
  std::map<std::pair<std::string, std::string>, double> counts;
  for (const char* level : {"I", "II", "III", "IV"}) {
    for (const char* drill : {"false", "true"}) counts[{level, drill}] = 0;
  }
  auto active =
      store.List({.active_only = true, .plan_id = "", .limit = 100000, .after = std::nullopt});
  if (active.ok()) {
    for (const ports::Incident& i : *active) counts[{i.level, i.drill ? "true" : "false"}] += 1;
  }
  runtime::MetricsServer::GaugeSeries out;
  for (const auto& [key, n] : counts) {
    out.push_back({{{"level", key.first}, {"drill", key.second}}, n});
  }
  return out;
}

// sqms_alerts_muted_kept: kept muted alerts (app/alert_processor.h), read
// from the store at scrape (the same on every replica); 0 when none or
// unreadable, as sqms_incidents_open.
runtime::MetricsServer::GaugeSeries KeptMuted(ports::AlertStore& store) {
  auto kept = store.ListMuted();
  return {{{}, kept.ok() ? static_cast<double>(kept->size()) : 0.0}};
}

// The plan health gauges (app/plan_changes.h, "What is wrong now"), as the
// last refresh of this replica found them: each replica checks the stored
// plans against its own configuration, so a rolling deploy shows per
// instance which configuration refuses a plan.
void AddPlanHealthGauges(runtime::MetricsServer& metrics, const app::PlanChanges& plans) {
  using Field = int app::PlanChanges::Health::*;
  const struct {
    const char* name;
    const char* help;
    Field field;
  } gauges[] = {
      {"sqms_alerts_stored_plans_invalid",
       "Plans changed through UpsertPlan that no longer validate here and are not in force",
       &app::PlanChanges::Health::stored_plans_invalid},
      {"sqms_alerts_risks_without_plan", "High or critical risks that no plan in force covers",
       &app::PlanChanges::Health::risks_without_plan},
      {"sqms_alerts_plans_retired",
       "Plans gone from the configuration, kept only for their open incidents",
       &app::PlanChanges::Health::plans_retired},
  };
  for (const auto& g : gauges) {
    metrics.AddComputedGauge(g.name, g.help, [&plans, field = g.field] {
      return runtime::MetricsServer::GaugeSeries{{{}, static_cast<double>(plans.health().*field)}};
    });
  }
}

// Bearer tokens, one per line (blank lines and # comments skipped). Fails
// closed: no file is an error unless the operator opted out explicitly
// (config::Validate says so first; this holds for a Start without it).
absl::StatusOr<runtime::HttpAuth> WebhookAuth(const config::ServiceConfig& config) {
  runtime::HttpAuth auth;
  const std::string& path = config.webhook_tokens_file;
  if (path.empty()) {
    if (!config.webhook_insecure_no_auth) {
      return runtime::ConfigError("webhook-tokens-file",
                                  "is required while --webhook-listen is set (or give "
                                  "--webhook-insecure-no-auth)");
    }
    runtime::log::Warn(
        "the Alertmanager webhook receiver accepts every request: no authentication "
        "(--webhook-insecure-no-auth)",
        {{"event", "security"}, {"listen", config.webhook_listen}});
    return auth;
  }
  std::ifstream in(path);
  if (!in) return runtime::ConfigError("webhook-tokens-file", absl::StrCat("cannot read ", path));
  std::string line;
  while (std::getline(in, line)) {
    const std::string token(absl::StripAsciiWhitespace(line));
    if (!token.empty() && token[0] != '#') auth.bearer_tokens.emplace_back(token);
  }
  if (auth.open()) return runtime::ConfigError("webhook-tokens-file", "no token in the file");
  return auth;
}

// The webhook's sink: RaiseAlert's drill rule (rpc/roles.h) applied to the
// webhook's caller. A webhook token names no role; it authenticates
// monitoring (Alertmanager), which is the `service` role over gRPC — and
// that may not start a drill. A drill alert is refused (PERMISSION_DENIED:
// the receiver lists it and processes the rest); drills start through
// StartDrill or RaiseAlert by a supervisor or an admin.
adapters::AlertSink WebhookSink(adapters::AlertSink sink) {
  return
      [sink = std::move(sink)](const domain::Alert& alert) -> absl::StatusOr<app::ProcessResult> {
        if (alert.drill) {
          const runtime::Principal webhook{.subject = "alertmanager-webhook",
                                           .role = runtime::Role::kService};
          if (absl::Status s = rpc::AuthorizeDrillAlert(webhook); !s.ok()) return s;
        }
        return sink(alert);
      };
}

absl::StatusOr<runtime::HttpServerOptions> WebhookOptions(const std::string& listen) {
  runtime::HttpServerOptions options;
  const size_t colon = listen.rfind(':');
  if (colon == std::string::npos || !absl::SimpleAtoi(listen.substr(colon + 1), &options.port)) {
    return runtime::ConfigError("webhook-listen", "expected host:port");
  }
  options.host = listen.substr(0, colon);
  return options;
}

}  // namespace

absl::StatusOr<std::unique_ptr<AlertsServiceServer>> AlertsServiceServer::Start(
    const config::ServiceConfig& config) {
  runtime::log::Level level = runtime::log::Level::kInfo;
  runtime::log::ParseLevel(config.common.log_level, &level);
  runtime::log::Init("alerts", level);

  auto p = std::make_unique<Parts>();
  auto settings = config::LoadSettings(config.config_file);
  if (!settings.ok()) return settings.status();
  std::vector<std::string> target_ids;
  for (const notify::Target& t : settings->targets) target_ids.push_back(t.id);
  p->catalog = std::make_unique<app::Catalog>(app::CatalogData{
      .zone = settings->zone, .risks = settings->risks, .rotations = settings->rotations,
      .targets = settings->targets, .plans = settings->plans,
      .inhibit_rules = settings->inhibit_rules, .retired_plans = {}});
  auto tokens = runtime::TokenAuthenticator::FromFile(config.common.tokens_file);
  if (!tokens.ok()) return runtime::ConfigError("tokens-file", std::string(tokens.status().message()));
  p->auth = *std::move(tokens);

  auto metrics = runtime::MetricsServer::Start(config.common.metrics_listen);
  if (!metrics.ok()) return metrics.status();
  p->metrics = *std::move(metrics);
  p->rpc_metrics = std::make_unique<runtime::RpcMetrics>(p->metrics->registry());
  if (auto s = p->rpc_metrics->DeclareService(rpc::kServiceName); !s.ok()) return s;
  p->metrics->SetBuildInfo(SQMS_VERSION, SQMS_REVISION);
  p->alert_metrics = std::make_unique<adapters::AlertMetrics>(p->metrics->registry(), target_ids);

  auto redis_options = runtime::RedisOptionsFrom(config.common);
  if (!redis_options.ok()) return redis_options.status();
  auto kafka = runtime::KafkaConnectionFrom(config.common);
  if (!kafka.ok()) return kafka.status();
  p->kafka = *std::move(kafka);
  p->redis = std::make_unique<runtime::RedisClient>(*redis_options);
  const std::string instance =
      config.instance_id.empty() ? runtime::HostName("sqms-alerts") : config.instance_id;
  if (auto s = StartRelay(config, instance, *p); !s.ok()) return s;
  StartPlanRefresh(*p);

  Parts* parts = p.get();
  auto wake = [parts] {
    if (parts->timers_ptr != nullptr) parts->timers_ptr->Notify();
  };
  p->http = std::make_unique<runtime::HttpClient>();
  p->processor = std::make_unique<app::AlertProcessor>(*p->store, *p->catalog, p->clock,
                                                       *p->alert_metrics, *p->alert_metrics, wake);
  p->commands = std::make_unique<app::IncidentCommands>(*p->store, *p->catalog, p->clock,
                                                        *p->alert_metrics, wake);
  p->escalator = std::make_unique<app::Escalator>(*p->store, *p->catalog, p->clock, wake);
  p->escalator->OnResolved(
      [stats = p->alert_metrics.get()](const ports::Incident& i) { stats->Resolved(i); });
  p->dispatcher = std::make_unique<adapters::WebhookDispatcher>(
      *p->store, *p->catalog, *p->http, p->clock, *p->alert_metrics,
      [parts](const std::string& timer, absl::Time due) -> absl::Status {
        if (parts->timers_ptr == nullptr) return absl::UnavailableError("timers not started");
        // Passed back: a failed move is retried by the timers, never dropped.
        return parts->timers_ptr->Schedule(0, timer, due);
      });
  p->timers = std::make_unique<runtime::DurableTimers>(
      *p->redis,
      runtime::DurableTimersOptions{.shard_keys = {adapters::TimersKey()},
                                    .name = "alerts",
                                    .poll_period = absl::Milliseconds(100),
                                    .claim_ttl = absl::Seconds(30),
                                    .batch = 100,
                                    .retry_initial = absl::Seconds(1),
                                    .retry_max = absl::Minutes(1),
                                    .metrics = &p->metrics->registry(),
                                    .clock = &p->clock},
      [parts](const runtime::DueTimer& timer) -> absl::Status {
        if (timer.id.rfind("dlv|", 0) == 0) return parts->dispatcher->OnTimer(timer.id);
        if (app::AlertProcessor::IsMutedTimer(timer.id)) return parts->processor->OnTimer(timer.id);
        return parts->escalator->OnTimer(timer.id);
      });
  p->timers_ptr = p->timers.get();
  p->silence_pruning = std::make_unique<runtime::PeriodicTask>(
      kSilencePruningPeriod,
      [commands = p->commands.get(), retention = absl::Hours(24) * config.silence_retention_days] {
        absl::StatusOr<int> pruned = commands->PruneSilences(retention);
        if (!pruned.ok()) {
          runtime::log::Warn("pruning expired silences failed",
                             {{"error", std::string(pruned.status().message())}});
        } else if (*pruned > 0) {
          runtime::log::Info("expired silences deleted", {{"count", *pruned}});
        }
      });
  p->metrics->AddComputedGauge("sqms_incidents_open",
                               "Active incidents (triggered, acknowledged, mitigating) by level",
                               [store = p->store.get()] { return OpenIncidents(*store); });
  p->metrics->AddComputedGauge(
      "sqms_alerts_muted_kept",
      "Firing alerts muted by a silence or an inhibiting incident, kept to be decided again "
      "when the mute ends",
      [store = p->store.get()] { return KeptMuted(*store); });
  if (auto s = StartIntake(config, instance, *p); !s.ok()) return s;

  p->pool = std::make_unique<runtime::WorkerPool>(config.workers,
                                                  static_cast<size_t>(config.worker_queue));
  auto feed = adapters::StartIncidentWatchFeed(
      p->kafka, config.incidents_topic, *p->commands, *p->catalog,
      [hub = &p->watch_hub] { return hub->subscribers() > 0; },
      [hub = &p->watch_hub](std::shared_ptr<const rpc::pb::Incident> incident) {
        hub->Publish(std::move(incident));
      });
  if (!feed.ok()) return feed.status();
  p->watch_feed = *std::move(feed);
  p->rpc = std::make_unique<rpc::AlertsGrpcService>(*p->processor, *p->commands, *p->catalog,
                                                    *p->plans, p->clock, *p->auth, *p->pool,
                                                    *p->rpc_metrics, p->watch_hub);
  auto server = runtime::GrpcServer::Start(
      runtime::GrpcServerOptionsFrom(config.common, p->rpc_metrics.get()), {p->rpc.get()});
  if (!server.ok()) return server.status();
  p->server = *std::move(server);
  p->outbox.relay->Start();
  p->plan_refresh->Start();
  p->silence_pruning->Start();
  p->timers->Start();
  p->consumer->Start();
  const int webhook_port = p->webhook ? p->webhook->port() : 0;
  runtime::log::Info(
      "serving", {{"grpc_port", p->server->port()},
                  {"metrics_port", p->metrics->port()},
                  {"webhook_port", webhook_port},
                  {"plans", static_cast<int>(settings->plans.size())},
                  {"retired_plans", static_cast<int>(p->catalog->Snapshot()->retired_plans.size())},
                  {"time_zone", settings->zone_name},
                  {"instance", instance}});
  if (!config.ready_file.empty()) {
    if (auto s = runtime::WriteReadyFile(config.ready_file, p->server->port(), p->metrics->port(),
                                         webhook_port);
        !s.ok()) {
      return s;
    }
  }
  return std::unique_ptr<AlertsServiceServer>(new AlertsServiceServer(std::move(p)));
}

absl::Status AlertsServiceServer::StartRelay(const config::ServiceConfig& config,
                                             const std::string& instance, Parts& p) {
  auto outbox =
      runtime::MakeSingleOutboxRelay(*p.redis, p.kafka, p.metrics->registry(),
                                     {.client_id = "sqms-alerts",
                                      .source = "//sqms/alerts",
                                      .instance = instance,
                                      .topic = config.incidents_topic,
                                      .keys = {adapters::OutboxKey(), adapters::OutboxLeaseKey()}});
  if (!outbox.ok()) return outbox.status();
  p.outbox = *std::move(outbox);
  p.store = std::make_unique<adapters::RedisAlertStore>(
      *p.redis, config.incidents_topic, [relay = p.outbox.relay.get()] { relay->Notify(); });
  return absl::OkStatus();
}

void AlertsServiceServer::StartPlanRefresh(Parts& p) {
  p.plans = std::make_unique<app::PlanChanges>(*p.store, *p.catalog, &codec::PlanFingerprint);
  AddPlanHealthGauges(*p.metrics, *p.plans);
  // The stored plans in force before the first alert is handled; should
  // Redis not answer yet, the config file's serve until the next refresh.
  if (absl::Status s = p.plans->Refresh(); !s.ok()) {
    runtime::log::Warn("stored plans not read; serving the config file's",
                       {{"error", std::string(s.message())}});
  }
  p.plan_refresh =
      std::make_unique<runtime::PeriodicTask>(kPlanRefreshPeriod, [plans = p.plans.get()] {
        if (absl::Status s = plans->Refresh(); !s.ok()) {
          runtime::log::Warn("plan refresh failed", {{"error", std::string(s.message())}});
        }
      });
}

absl::Status AlertsServiceServer::StartIntake(const config::ServiceConfig& config,
                                              const std::string& instance, Parts& p) {
  adapters::AlertSink sink = [processor = p.processor.get()](const domain::Alert& alert) {
    return processor->Process(alert);
  };
  adapters::EventConsumerOptions options;
  options.brokers = p.kafka.brokers;
  options.properties = p.kafka.properties;  // the service's own below override it
  options.group = config.group;
  options.complaints_topic = config.complaints_topic;
  options.kpi_topic = config.kpi_topic;
  options.client_id = absl::StrCat("sqms-alerts-", instance);
  options.first_start_lookback = std::chrono::minutes(config.first_start_lookback_minutes);
  options.properties["session.timeout.ms"] = std::to_string(config.session_timeout_ms);
  options.metrics = &p.metrics->registry();  // sqms_consumer_lag, …_passed_over_total
  auto consumer = adapters::EventConsumer::Create(std::move(options), sink);
  if (!consumer.ok()) return consumer.status();
  p.consumer = *std::move(consumer);
  if (config.webhook_listen.empty()) return absl::OkStatus();
  auto auth = WebhookAuth(config);
  if (!auth.ok()) return auth.status();
  auto options_http = WebhookOptions(config.webhook_listen);
  if (!options_http.ok()) return options_http.status();
  // sqms_http_requests_total{server="webhook"}: a rotated token shows as 401s.
  options_http->name = "webhook";
  options_http->metrics = &p.metrics->registry();
  p.webhook = std::make_unique<runtime::HttpServer>(*options_http);
  adapters::RegisterAlertmanagerReceiver(
      *p.webhook, *auth, WebhookSink(sink),
      [stats = p.alert_metrics.get()](const std::string& reason) {
        stats->WebhookRefused(reason);
      });
  return p.webhook->Start();
}

AlertsServiceServer::AlertsServiceServer(std::unique_ptr<Parts> parts)
    : parts_(std::move(parts)) {}

AlertsServiceServer::~AlertsServiceServer() { Shutdown(); }

void AlertsServiceServer::Shutdown() {
  if (parts_->stopped) return;
  parts_->stopped = true;
  parts_->watch_hub.Close();  // watch streams end now (UNAVAILABLE), not at the drain deadline
  if (parts_->webhook) parts_->webhook->Stop();
  parts_->consumer->Stop();
  parts_->server->Shutdown();
  parts_->watch_feed.reset();
  parts_->timers->Stop();
  parts_->plan_refresh->Stop();
  parts_->silence_pruning->Stop();
  parts_->outbox.relay->Stop(std::chrono::seconds(5));  // the rest waits in Redis
  parts_->metrics->StopComputedGauges();
}

int AlertsServiceServer::grpc_port() const { return parts_->server->port(); }
int AlertsServiceServer::metrics_port() const { return parts_->metrics->port(); }
int AlertsServiceServer::webhook_port() const {
  return parts_->webhook ? parts_->webhook->port() : 0;
}

}  // namespace sqms::alerts
