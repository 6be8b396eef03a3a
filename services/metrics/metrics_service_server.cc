#include "services/metrics/metrics_service_server.h"

#include "absl/strings/str_cat.h"
#include "services/metrics/adapters/kpi_keys.h"
#include "services/metrics/adapters/kpi_processor.h"
#include "services/metrics/adapters/redis_kpi_reader.h"
#include "services/metrics/adapters/redis_target_store.h"
#include "services/metrics/app/kpi_queries.h"
#include "services/metrics/app/kpi_watcher.h"
#include "services/metrics/app/surge_monitor.h"
#include "services/metrics/app/target_monitor.h"
#include "services/metrics/rpc/kpi_watch_stream.h"
#include "services/metrics/rpc/metrics_grpc_service.h"
#include "sqms/runtime/auth.h"
#include "sqms/runtime/checkpointing_consumer.h"
#include "sqms/runtime/clock.h"
#include "sqms/runtime/grpc_server.h"
#include "sqms/runtime/log.h"
#include "sqms/runtime/metrics.h"
#include "sqms/runtime/single_outbox_relay.h"
#include "sqms/runtime/periodic_task.h"
#include "sqms/runtime/redis_client.h"
#include "sqms/runtime/worker_pool.h"

namespace sqms::metrics {

// Declaration order is construction order; destruction runs backwards, so
// everything outlives what uses it.
struct MetricsServiceServer::Parts {
  runtime::SystemClock clock;
  runtime::KafkaConnection kafka;  // brokers and --kafka-properties-file
  config::MetricsSettings settings;
  std::unique_ptr<runtime::TokenAuthenticator> auth;
  std::unique_ptr<runtime::MetricsServer> metrics;
  std::unique_ptr<runtime::RpcMetrics> rpc_metrics;
  std::unique_ptr<runtime::RedisClient> redis;
  runtime::SingleOutboxRelay outbox;  // sqms.kpi.v1; owns its Kafka producer
  std::unique_ptr<adapters::KpiProcessor> processor;
  std::unique_ptr<runtime::CheckpointingConsumer> consumer;
  std::unique_ptr<adapters::RedisKpiReader> reader;
  std::unique_ptr<app::KpiQueries> queries;
  std::unique_ptr<adapters::RedisTargetStore> target_store;
  std::unique_ptr<app::TargetMonitor> monitor;
  std::unique_ptr<app::SurgeMonitor> surges;  // same store, same outbox
  std::unique_ptr<runtime::PeriodicTask> evaluation;
  rpc::KpiUpdateHub watch_hub;                    // WatchKpis' streams subscribe here
  std::unique_ptr<app::KpiWatcher> watcher;       // publishes to watch_hub
  std::unique_ptr<runtime::PeriodicTask> watch_poll;
  std::unique_ptr<runtime::WorkerPool> pool;
  std::unique_ptr<rpc::MetricsGrpcService> rpc;
  std::unique_ptr<runtime::GrpcServer> server;
  bool stopped = false;
};

namespace {

constexpr std::string_view kGaugeKpis[] = {
    "answer_rate",          "satisfaction_rate",       "one_time_answer_rate",
    "complaint_volume",     "first_response_on_time",  "resolution_on_time",
    "first_contact_resolution", "p90_first_response_time", "p90_resolution_time"};

// sqms_kpi_value{kpi,window,department}: the current day's and month's
// value per department, read from the store at scrape time (the same on
// every replica). A department without a sample has no series.
runtime::MetricsServer::GaugeSeries CurrentKpis(app::KpiQueries& queries, const runtime::Clock& clock,
                                                ports::KpiReader& reader) {
  runtime::MetricsServer::GaugeSeries out;
  for (domain::WindowSize size : {domain::WindowSize::kDay, domain::WindowSize::kMonth}) {
    const domain::Window w = domain::WindowOf(clock.Now(), size, queries.config().zone);
    auto aggregates = reader.Read({w}, domain::Dimension::kDepartment, false);
    if (!aggregates.ok()) continue;
    for (const auto& [department, unit] : (*aggregates)[0].units) {
      for (std::string_view name : kGaugeKpis) {
        const domain::KpiDefinition* kpi = domain::FindKpi(name);
        if (kpi == nullptr) continue;
        // The current window: open.
        domain::KpiValue v = domain::Compute(*kpi, unit.counters, {}, domain::Settlement::kOpen);
        if (!v.value) continue;
        out.push_back({{{"kpi", std::string(name)},
                        {"window", std::string(domain::WindowSizeName(size))},
                        {"department", department}},
                       *v.value});
      }
    }
  }
  return out;
}
}  // namespace

absl::StatusOr<std::unique_ptr<MetricsServiceServer>> MetricsServiceServer::Start(
    const config::ServiceConfig& config) {
  runtime::log::Level level = runtime::log::Level::kInfo;
  runtime::log::ParseLevel(config.common.log_level, &level);
  runtime::log::Init("metrics", level);

  auto p = std::make_unique<Parts>();
  auto settings = config::LoadSettings(config.config_file);
  if (!settings.ok()) return settings.status();
  p->settings = *std::move(settings);
  auto tokens = runtime::TokenAuthenticator::FromFile(config.common.tokens_file);
  if (!tokens.ok()) return runtime::ConfigError("tokens-file", std::string(tokens.status().message()));
  p->auth = *std::move(tokens);

  auto metrics = runtime::MetricsServer::Start(config.common.metrics_listen);
  if (!metrics.ok()) return metrics.status();
  p->metrics = *std::move(metrics);
  p->rpc_metrics = std::make_unique<runtime::RpcMetrics>(p->metrics->registry());
  if (auto s = p->rpc_metrics->DeclareService(rpc::kServiceName); !s.ok()) return s;
  p->metrics->SetBuildInfo(SQMS_VERSION, SQMS_REVISION);

  auto redis_options = runtime::RedisOptionsFrom(config.common);
  if (!redis_options.ok()) return redis_options.status();
  auto kafka = runtime::KafkaConnectionFrom(config.common);
  if (!kafka.ok()) return kafka.status();
  p->kafka = *std::move(kafka);
  p->redis = std::make_unique<runtime::RedisClient>(*redis_options);
  const std::string instance =
      config.instance_id.empty() ? runtime::HostName("sqms-metrics") : config.instance_id;
  if (auto s = StartConsumer(config, instance, *p); !s.ok()) return s;

  p->reader = std::make_unique<adapters::RedisKpiReader>(*p->redis);
  p->queries = std::make_unique<app::KpiQueries>(
      *p->reader, p->clock,
      app::QueryConfig{.zone = p->settings.zone,
                       .grace = p->settings.grace,
                       .bases = p->settings.bases,
                       .window_dimensions = p->settings.window_dimensions,
                       .retention = p->settings.retention});
  if (auto s = StartTargets(config, instance, *p); !s.ok()) return s;
  p->metrics->AddComputedGauge(
      "sqms_kpi_value", "The current day's and month's KPIs per department (store figures)",
      [queries = p->queries.get(), clock = &p->clock, reader = p->reader.get()] {
        return CurrentKpis(*queries, *clock, *reader);
      });
  StartWatch(config, *p);
  p->pool = std::make_unique<runtime::WorkerPool>(config.workers,
                                                  static_cast<size_t>(config.worker_queue));
  p->rpc = std::make_unique<rpc::MetricsGrpcService>(*p->queries, *p->monitor, *p->watcher,
                                                     p->watch_hub, *p->auth, *p->pool,
                                                     *p->rpc_metrics);
  auto server = runtime::GrpcServer::Start(
      runtime::GrpcServerOptionsFrom(config.common, p->rpc_metrics.get()), {p->rpc.get()});
  if (!server.ok()) return server.status();
  p->server = *std::move(server);
  p->consumer->Start();
  p->outbox.relay->Start();
  p->evaluation->Start();
  p->watch_poll->Start();
  runtime::log::Info("serving", {{"grpc_port", p->server->port()},
                                 {"metrics_port", p->metrics->port()},
                                 {"time_zone", p->settings.zone_name},
                                 {"instance", instance}});
  if (!config.ready_file.empty()) {
    if (auto s = runtime::WriteReadyFile(config.ready_file, p->server->port(), p->metrics->port());
        !s.ok()) {
      return s;
    }
  }
  return std::unique_ptr<MetricsServiceServer>(new MetricsServiceServer(std::move(p)));
}

absl::Status MetricsServiceServer::StartConsumer(const config::ServiceConfig& config,
                                                 const std::string& instance, Parts& p) {
  adapters::KpiProcessorOptions processor = config::ProcessorOptions(p.settings);
  processor.complaints_topic = config.complaints_topic;
  processor.contact_topic = config.contact_topic;
  processor.incidents_topic = config.incidents_topic;
  processor.metrics = &p.metrics->registry();
  p.processor = std::make_unique<adapters::KpiProcessor>(*p.redis, std::move(processor));
  runtime::CheckpointingConsumerOptions options;
  options.kafka.brokers = p.kafka.brokers;
  options.kafka.properties = p.kafka.properties;  // the service's own below override it
  options.kafka.group_id = config.group;
  options.kafka.topics = {config.complaints_topic, config.contact_topic, config.incidents_topic};
  options.kafka.client_id = absl::StrCat("sqms-metrics-", instance);
  options.kafka.auto_offset_reset = "earliest";
  options.kafka.properties["session.timeout.ms"] = std::to_string(config.session_timeout_ms);
  options.key_prefix = std::string(adapters::kKeyPrefix);
  options.instance_id = instance;
  options.checkpoint_every = config.checkpoint_every;
  options.checkpoint_interval = std::chrono::milliseconds(config.checkpoint_interval_ms);
  options.checkpoint_idle_interval =
      std::chrono::milliseconds(config.checkpoint_idle_interval_ms);
  // The largest window: a relay that takes over a dead owner's outbox shard
  // re-sends what it finds after the lease expires (10 s), and every record
  // of the partition in between pushes the originals out (docs/metrics.md).
  options.dedup_window = runtime::CheckpointingConsumer::kMaxDedupWindow;
  options.metrics = &p.metrics->registry();
  auto consumer = runtime::CheckpointingConsumer::Create(std::move(options), *p.redis, *p.processor);
  if (!consumer.ok()) return consumer.status();
  p.consumer = *std::move(consumer);
  return absl::OkStatus();
}

absl::Status MetricsServiceServer::StartTargets(const config::ServiceConfig& config,
                                                const std::string& instance, Parts& p) {
  auto outbox =
      runtime::MakeSingleOutboxRelay(*p.redis, p.kafka, p.metrics->registry(),
                                     {.client_id = "sqms-metrics",
                                      .source = "//sqms/metrics",
                                      .instance = instance,
                                      .topic = config.kpi_topic,
                                      .keys = {adapters::OutboxKey(), adapters::OutboxLeaseKey()}});
  if (!outbox.ok()) return outbox.status();
  p.outbox = *std::move(outbox);
  p.target_store = std::make_unique<adapters::RedisTargetStore>(
      *p.redis, config.kpi_topic, [relay = p.outbox.relay.get()] { relay->Notify(); });
  p.monitor = std::make_unique<app::TargetMonitor>(*p.reader, *p.target_store, p.clock,
                                                   p.settings.targets, p.queries->config());
  p.surges = std::make_unique<app::SurgeMonitor>(*p.reader, *p.target_store, p.clock,
                                                 p.settings.surges, p.queries->config());
  p.evaluation = std::make_unique<runtime::PeriodicTask>(
      absl::Milliseconds(config.evaluate_interval_ms),
      [monitor = p.monitor.get(), surges = p.surges.get()] {
        for (auto [what, events] : {std::pair{"target", monitor->EvaluateOnce()},
                                    std::pair{"surge", surges->EvaluateOnce()}}) {
          if (!events.ok()) {
            runtime::log::Warn(absl::StrCat(what, " evaluation failed; retried next round"),
                               {{"error", events.status().ToString()}});
          } else if (*events > 0) {
            runtime::log::Info(absl::StrCat(what, " events queued"), {{"events", *events}});
          }
        }
      });
  return absl::OkStatus();
}

void MetricsServiceServer::StartWatch(const config::ServiceConfig& config, Parts& p) {
  p.watcher = std::make_unique<app::KpiWatcher>(*p.reader, *p.queries, p.clock,
                                                rpc::PublishTo(p.watch_hub));
  // Failures are logged when they start and when they stop, not every round.
  p.watch_poll = std::make_unique<runtime::PeriodicTask>(
      absl::Milliseconds(config.watch_poll_interval_ms),
      [watcher = p.watcher.get(), failing = false]() mutable {
        absl::Status s = watcher->PollOnce();
        if (!s.ok() && !failing) {
          runtime::log::Warn("watch poll failed; retried every round",
                             {{"error", s.ToString()}});
        } else if (s.ok() && failing) {
          runtime::log::Info("watch poll recovered");
        }
        failing = !s.ok();
      });
}

MetricsServiceServer::MetricsServiceServer(std::unique_ptr<Parts> parts)
    : parts_(std::move(parts)) {}

MetricsServiceServer::~MetricsServiceServer() { Shutdown(); }

void MetricsServiceServer::Shutdown() {
  if (parts_->stopped) return;
  parts_->stopped = true;
  parts_->watch_hub.Close();  // watch streams end now (UNAVAILABLE), not at the drain deadline
  parts_->server->Shutdown();
  parts_->watch_poll->Stop();  // every stream has ended: nothing left to feed
  parts_->evaluation->Stop();
  parts_->consumer->Stop();             // final checkpoint
  parts_->outbox.relay->Stop(std::chrono::seconds(5));  // the rest waits in Redis
  parts_->metrics->StopComputedGauges();  // they read parts destroyed before the metrics server
}

int MetricsServiceServer::grpc_port() const { return parts_->server->port(); }
int MetricsServiceServer::metrics_port() const { return parts_->metrics->port(); }

}  // namespace sqms::metrics
