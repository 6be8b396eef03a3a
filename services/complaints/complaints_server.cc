#include "services/complaints/complaints_server.h"

#include "absl/strings/str_cat.h"
#include "services/complaints/adapters/incident_consumer.h"
#include "services/complaints/adapters/kafka_watch_hub.h"
#include "services/complaints/adapters/open_complaints_gauge.h"
#include "services/complaints/adapters/redis_complaint_repository.h"
#include "services/complaints/adapters/redis_contact_event_store.h"
#include "services/complaints/adapters/redis_incident_registry.h"
#include "services/complaints/adapters/redis_keys.h"
#include "services/complaints/adapters/service_stats.h"
#include "services/complaints/adapters/shard_count_check.h"
#include "services/complaints/app/complaint_service.h"
#include "services/complaints/app/contact_intake.h"
#include "services/complaints/app/holiday_coverage.h"
#include "services/complaints/config/triage_config.h"
#include "services/complaints/config/triage_reloader.h"
#include "services/complaints/rpc/complaint_grpc_service.h"
#include "services/complaints/rpc/contact_grpc_service.h"
#include "services/complaints/text/fasttext_classifier.h"
#include "services/complaints/text/icu_opencc_normalizer.h"
#include "sqms/runtime/auth.h"
#include "sqms/runtime/clock.h"
#include "sqms/runtime/durable_timers.h"
#include "sqms/runtime/grpc_server.h"
#include "sqms/runtime/kafka_producer.h"
#include "sqms/runtime/log.h"
#include "sqms/runtime/metrics.h"
#include "sqms/runtime/outbox_relay.h"
#include "sqms/runtime/periodic_task.h"
#include "sqms/runtime/redis_client.h"
#include "sqms/runtime/worker_pool.h"

namespace sqms::complaints {

// Declaration order is construction order; destruction runs backwards, so
// everything outlives what uses it.
struct ComplaintsServer::Parts {
  runtime::SystemClock clock;
  runtime::KafkaConnection kafka;  // brokers and --kafka-properties-file
  std::unique_ptr<text::IcuOpenccNormalizer> normalizer;
  std::unique_ptr<text::FastTextClassifier> classifier;  // null: rules only
  std::unique_ptr<app::TriageSource> triage;
  std::string pii_key;
  std::unique_ptr<runtime::TokenAuthenticator> auth;
  std::unique_ptr<runtime::MetricsServer> metrics;
  std::unique_ptr<adapters::ServiceStats> stats;
  std::unique_ptr<runtime::RpcMetrics> rpc_metrics;
  std::unique_ptr<runtime::RedisClient> redis;
  std::unique_ptr<adapters::RedisKeys> keys;
  std::unique_ptr<runtime::OutboxRelay> relay;  // owns its Kafka producer
  std::unique_ptr<adapters::RedisComplaintRepository> repository;
  std::unique_ptr<adapters::OpenComplaintsGauge> open_gauge;
  std::unique_ptr<adapters::RedisContactEventStore> contact_store;
  // Known issues (null when --incidents-topic is empty).
  std::unique_ptr<adapters::RedisIncidentRegistry> incident_registry;
  std::unique_ptr<app::KnownIssues> known_issues;
  std::unique_ptr<app::ComplaintService> complaints;
  std::unique_ptr<app::ContactIntake> contact;
  std::unique_ptr<runtime::DurableTimers> timers;  // SLA timers
  std::unique_ptr<app::HolidayCoverage> holidays;
  std::unique_ptr<config::TriageReloader> triage_reloader;
  std::unique_ptr<runtime::WorkerPool> pool;
  adapters::WatchHub watch_hub;
  std::unique_ptr<runtime::KafkaWatchFeed> watch_feed;
  std::unique_ptr<runtime::PeriodicTask> known_issues_refresh;
  std::unique_ptr<runtime::PeriodicTask> known_issues_release;
  std::unique_ptr<runtime::KafkaConsumerLoop> incident_consumer;
  std::unique_ptr<rpc::ComplaintGrpcService> complaint_rpc;
  std::unique_ptr<rpc::ContactGrpcService> contact_rpc;
  std::unique_ptr<runtime::GrpcServer> server;
  bool stopped = false;
};

namespace {

// `status` as a configuration error of `flag` (its message names the key).
absl::Status ConfigFailure(std::string_view flag, const absl::Status& status) {
  return runtime::ConfigError(flag, std::string(status.message()));
}

// Configuration files and secrets: every failure names its key.
// The normaliser, the model (trained when --triage-training-data is set)
// and the rules in force.
absl::Status LoadTriage(const config::ServiceConfig& config,
                        std::unique_ptr<text::IcuOpenccNormalizer>& normalizer,
                        std::unique_ptr<text::FastTextClassifier>& classifier,
                        std::unique_ptr<app::TriageSource>& triage) {
  auto made = text::IcuOpenccNormalizer::Create();
  if (!made.ok()) return made.status();
  normalizer = *std::move(made);
  if (!config.triage_training_data.empty()) {
    auto trained = text::FastTextClassifier::Train(config.triage_training_data, *normalizer);
    if (!trained.ok()) return ConfigFailure("triage-training-data", trained.status());
    classifier = *std::move(trained);
    runtime::log::Info("triage model trained", {{"examples", classifier->examples()}});
  }
  auto triage_config = config::LoadTriageConfig(config.triage_config);
  if (!triage_config.ok()) return ConfigFailure("triage-config", triage_config.status());
  triage = std::make_unique<app::TriageSource>(std::make_shared<const domain::Triage>(
      *std::move(triage_config), *normalizer, classifier.get()));
  return absl::OkStatus();
}

absl::Status LoadSecrets(const config::ServiceConfig& config, std::string& pii_key,
                         std::unique_ptr<runtime::TokenAuthenticator>& auth) {
  auto key = runtime::ReadFileToString(config.pii_key_file);
  if (!key.ok()) return ConfigFailure("pii-key-file", key.status());
  if (auto s = config::ValidatePiiKey(*key); !s.ok()) return s;
  if (key->size() < config::kPiiKeyRecommendedBytes) {
    runtime::log::Warn("the PII key is short: an HMAC-SHA256 key should hold at least 32 bytes",
                       {{"event", "security"}, {"bytes", key->size()}});
  }
  pii_key = *std::move(key);
  auto tokens = runtime::TokenAuthenticator::FromFile(config.common.tokens_file);
  if (!tokens.ok()) return ConfigFailure("tokens-file", tokens.status());
  auth = *std::move(tokens);
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::unique_ptr<ComplaintsServer>> ComplaintsServer::Start(
    const config::ServiceConfig& config) {
  runtime::log::Level level = runtime::log::Level::kInfo;
  runtime::log::ParseLevel(config.common.log_level, &level);
  runtime::log::Init("complaints", level);

  auto p = std::make_unique<Parts>();
  if (auto s = LoadTriage(config, p->normalizer, p->classifier, p->triage); !s.ok()) return s;
  if (auto s = LoadSecrets(config, p->pii_key, p->auth); !s.ok()) return s;

  auto metrics = runtime::MetricsServer::Start(config.common.metrics_listen);
  if (!metrics.ok()) return metrics.status();
  p->metrics = *std::move(metrics);
  p->stats = std::make_unique<adapters::ServiceStats>(p->metrics->registry());
  p->rpc_metrics = std::make_unique<runtime::RpcMetrics>(p->metrics->registry());
  // Every RPC series at 0 from start-up; the build in sqms_build_info.
  for (const char* service :
       {"sqms.complaints.v1.ComplaintService", "sqms.contact.v1.ContactEventService"}) {
    if (auto s = p->rpc_metrics->DeclareService(service); !s.ok()) return s;
  }
  p->metrics->SetBuildInfo(SQMS_VERSION, SQMS_REVISION);
  const std::string triage_version = p->triage->Current()->config().version;
  p->stats->TriageConfigApplied(triage_version, /*reloaded=*/false);
  p->holidays = std::make_unique<app::HolidayCoverage>();
  auto check_holidays = [holidays = p->holidays.get(), triage = p->triage.get(), clock = &p->clock] {
    return holidays->Check(triage->Current()->config().calendar, clock->Now());
  };
  check_holidays();  // warns at start-up; the gauge re-checks at every scrape
  p->metrics->AddComputedGauge(
      "sqms_complaints_calendar_holidays_configured",
      "1 when the business calendar has the year's public holidays (year=current|next), else 0",
      [check_holidays] {
        const app::HolidayCoverage::Configured c = check_holidays();
        return runtime::MetricsServer::GaugeSeries{{{{"year", "current"}}, c.current_year ? 1.0 : 0.0},
                                                   {{{"year", "next"}}, c.next_year ? 1.0 : 0.0}};
      });

  auto redis_options = runtime::RedisOptionsFrom(config.common);
  if (!redis_options.ok()) return redis_options.status();
  auto kafka = runtime::KafkaConnectionFrom(config.common);
  if (!kafka.ok()) return kafka.status();
  p->kafka = *std::move(kafka);
  adapters::ServiceStats* stats = p->stats.get();
  p->redis = std::make_unique<runtime::RedisClient>(
      *redis_options, [stats](std::chrono::nanoseconds latency) {
        stats->redis_latency.Observe(std::chrono::duration<double>(latency).count());
      });
  const std::string instance = config.instance_id.empty() ? runtime::HostName("sqms-complaints") : config.instance_id;
  p->keys = std::make_unique<adapters::RedisKeys>(config.shards);
  if (auto s = adapters::CheckShardCount(*p->redis, *p->keys); !s.ok()) return s;
  const adapters::RedisKeys* keys = p->keys.get();
  auto relay_made = runtime::OutboxRelay::Create(
      *p->redis,
      [producer_options = runtime::KafkaProducerOptionsFrom(p->kafka, "sqms-complaints")] {
        return runtime::KafkaProducer::Create(producer_options);
      },
      p->stats->relay,
      runtime::OutboxRelayOptions{
          .shards = config.shards,
          .shard_keys =
              [keys](int shard) {
                return runtime::OutboxShardKeys{keys->Outbox(shard), keys->OutboxLease(shard)};
              },
          .owner = runtime::UniqueOwnerId(instance),
          .source = "//sqms/complaints",
          .dead_letter_topic = config.complaints_topic + ".dlq"});
  if (!relay_made.ok()) return relay_made.status();
  p->relay = *std::move(relay_made);
  runtime::OutboxRelay* relay = p->relay.get();
  auto wake_relay = [relay] { relay->Notify(); };
  p->repository = std::make_unique<adapters::RedisComplaintRepository>(
      *p->redis, *p->keys, config.complaints_topic, wake_relay);
  p->contact_store = std::make_unique<adapters::RedisContactEventStore>(
      *p->redis, *p->keys, config.contact_topic,
      p->triage->Current()->config().idempotency_ttl, wake_relay);

  p->open_gauge = std::make_unique<adapters::OpenComplaintsGauge>(*p->repository);
  p->metrics->AddComputedGauge(
      "sqms_complaints_open",
      "Complaints not closed, by status and priority (the store's counts: the same on every "
      "replica)",
      [gauge = p->open_gauge.get()] { return gauge->Read(); });

  app::ComplaintObserver observer{
      .submitted = [stats](const domain::Complaint& c) { stats->Submitted(c); },
      .sla_breached = [stats](const domain::Complaint& c,
                              domain::SlaTarget t) { stats->SlaBreached(c, t); },
      .reclassified =
          [stats](domain::Category category, domain::Priority priority,
                  const domain::Complaint& after) {
            stats->TriageOverridden(category, after.category, priority, after.priority);
          },
      .known_issue_linked = [stats](const domain::Complaint&) { stats->KnownIssueLinked(); },
      .known_issue_released = [stats](const domain::Complaint&) { stats->KnownIssueReleased(); }};
  if (!config.incidents_topic.empty()) {
    p->incident_registry = std::make_unique<adapters::RedisIncidentRegistry>(*p->redis, *p->keys);
    p->known_issues = std::make_unique<app::KnownIssues>(
        *p->incident_registry, absl::Minutes(config.known_issue_lookback_minutes), p->clock,
        app::KnownIssues::SettleFor(absl::Milliseconds(config.common.redis_timeout_ms)));
  }
  p->complaints = std::make_unique<app::ComplaintService>(
      *p->repository, *p->triage, p->clock, p->pii_key, observer, domain::ValidationLimits{},
      p->known_issues.get());
  p->contact =
      std::make_unique<app::ContactIntake>(*p->contact_store, p->clock, p->pii_key, *p->triage);
  // SLA timers: the sets the complaint scripts write (member = complaint id).
  runtime::DurableTimersOptions sla_timers;
  sla_timers.name = "sla";
  sla_timers.metrics = &p->metrics->registry();
  for (int shard = 0; shard < p->keys->shards(); ++shard) {
    sla_timers.shard_keys.push_back(p->keys->Timers(shard));
  }
  p->timers = std::make_unique<runtime::DurableTimers>(
      *p->redis, std::move(sla_timers),
      [complaints = p->complaints.get()](const runtime::DueTimer& timer) {
        return complaints->FireTimer(timer.id).status();
      });
  p->triage_reloader = std::make_unique<config::TriageReloader>(
      config.triage_config, triage_version, *p->normalizer, p->classifier.get(), *p->triage,
      config::TriageReloadObserver{
          .applied = [stats](const std::string& v) { stats->TriageConfigApplied(v, true); },
          .rejected = [stats](const absl::Status&) { stats->TriageConfigRejected(); }});
  p->pool = std::make_unique<runtime::WorkerPool>(config.workers,
                                                  static_cast<size_t>(config.worker_queue));

  // Submissions no longer hold a worker while they wait for Redis: bound
  // what is admitted and unanswered as threads + queue bounded it before.
  p->complaint_rpc = std::make_unique<rpc::ComplaintGrpcService>(
      *p->complaints, p->watch_hub, *p->auth, *p->pool, *p->rpc_metrics,
      static_cast<size_t>(config.workers) + static_cast<size_t>(config.worker_queue));
  p->contact_rpc =
      std::make_unique<rpc::ContactGrpcService>(*p->contact, *p->auth, *p->pool, *p->rpc_metrics);
  auto server = runtime::GrpcServer::Start(
      runtime::GrpcServerOptionsFrom(config.common, p->rpc_metrics.get()),
      {p->complaint_rpc.get(), p->contact_rpc.get()});
  if (!server.ok()) return server.status();
  p->server = *std::move(server);

  auto feed = adapters::KafkaWatchFeed::Start(p->kafka, config.complaints_topic, p->watch_hub);
  if (!feed.ok()) return feed.status();
  p->watch_feed = *std::move(feed);
  if (p->known_issues != nullptr) {
    // Other replicas' incident changes reach this one's snapshot within a second.
    p->known_issues_refresh =
        std::make_unique<runtime::PeriodicTask>(absl::Seconds(1), [known = p->known_issues.get()] {
          if (auto s = known->Refresh(); !s.ok()) {
            runtime::log::Warn("known issues: refresh failed",
                               {{"error", std::string(s.message())}});
          }
        });
    p->known_issues_refresh->Start();
    // The incidents that left the snapshot are released here too, in case
    // this replica held a complaint for one after it ended (known_issues.h);
    // on a task of its own, so that a long release never delays a refresh.
    p->known_issues_release = std::make_unique<runtime::PeriodicTask>(
        absl::Seconds(1), [complaints = p->complaints.get()] {
          if (auto s = complaints->ReleaseLeftIncidents(); !s.ok()) {
            runtime::log::Warn("known issues: release of an ended incident failed, retrying",
                               {{"error", std::string(s.message())}});
          }
        });
    p->known_issues_release->Start();
    adapters::IncidentConsumerOptions consumer_options;
    consumer_options.brokers = p->kafka.brokers;
    consumer_options.properties = p->kafka.properties;
    consumer_options.topic = config.incidents_topic;
    consumer_options.metrics = &p->metrics->registry();  // sqms_consumer_lag
    auto consumer = adapters::StartIncidentConsumer(
        std::move(consumer_options),
        [complaints = p->complaints.get()](const domain::IncidentChange& change) {
          return complaints->ApplyIncidentChange(change);
        });
    if (!consumer.ok()) return ConfigFailure("incidents-topic", consumer.status());
    p->incident_consumer = *std::move(consumer);
  }
  p->relay->Start();
  p->timers->Start();
  if (config.triage_reload_ms > 0) {
    p->triage_reloader->Start(absl::Milliseconds(config.triage_reload_ms));
  }
  runtime::log::Info("serving", {{"grpc_port", p->server->port()},
                                 {"metrics_port", p->metrics->port()},
                                 {"shards", config.shards},
                                 {"instance", instance}});
  if (!config.ready_file.empty()) {
    if (auto s = runtime::WriteReadyFile(config.ready_file, p->server->port(), p->metrics->port());
        !s.ok()) {
      return s;
    }
  }
  return std::unique_ptr<ComplaintsServer>(new ComplaintsServer(std::move(p)));
}

ComplaintsServer::ComplaintsServer(std::unique_ptr<Parts> parts) : parts_(std::move(parts)) {}

ComplaintsServer::~ComplaintsServer() { Shutdown(); }

void ComplaintsServer::Shutdown() {
  if (parts_->stopped) return;
  parts_->stopped = true;
  parts_->watch_hub.Close();  // watch streams end now (UNAVAILABLE), not at the drain deadline
  parts_->server->Shutdown();          // drain RPCs first: they may still commit
  parts_->timers->Stop();
  if (parts_->incident_consumer) parts_->incident_consumer->Stop();
  if (parts_->known_issues_refresh) parts_->known_issues_refresh->Stop();
  if (parts_->known_issues_release) parts_->known_issues_release->Stop();
  parts_->triage_reloader->Stop();
  parts_->watch_feed.reset();
  parts_->relay->Stop(std::chrono::seconds(5));  // deliver what it can; the rest waits in Redis
  parts_->metrics->StopComputedGauges();  // they read parts destroyed before the metrics server
}

int ComplaintsServer::grpc_port() const { return parts_->server->port(); }
int ComplaintsServer::metrics_port() const { return parts_->metrics->port(); }

}  // namespace sqms::complaints
