#include "tests/integration/metrics/metrics_stack.h"


#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "google/protobuf/util/time_util.h"
#include "sqms/runtime/http/http_client.h"
#include "tests/support/event_producer.h"
#include "tests/support/service_client.h"

namespace sqms::metrics::it {
namespace {

constexpr char kToken[] = "tok-agent";

google::protobuf::Timestamp Ts(absl::Time t) {
  return google::protobuf::util::TimeUtil::SecondsToTimestamp(absl::ToUnixSeconds(t));
}

std::string Config(const MetricsStackOptions& options) {
  return absl::StrCat("time_zone: ", kZone, "\ngrace: ", options.grace, "\n",
                      "departments:\n  - {id: ticketing-center, name: 票务中心}\n"
                      "  - {id: customer-service, name: 客服中心}\n"
                      "csi_weights: {timeliness: 0.5, attitude: 0.5}\n", options.extra_config);
}

// Produced at the event's own time (the Kafka timestamp), as a relay
// producing as things happen would, unless `produced` says when.
template <typename Event>
runtime::KafkaRecord Record(const std::string& topic, const std::string& key, const Event& e,
                            const std::string& type, std::optional<absl::Time> produced) {
  runtime::KafkaRecord record =
      testing::EventRecord(topic, key, e.event_id(), e.SerializeAsString(), type);
  const absl::Time at = produced.value_or(absl::FromUnixSeconds(e.occurred_at().seconds()));
  record.timestamp = absl::ToChronoTime(at);
  return record;
}

}  // namespace

absl::Time Local(const std::string& civil) {
  absl::TimeZone zone;
  absl::LoadTimeZone(kZone, &zone);
  absl::CivilSecond cs;
  absl::ParseCivilTime(civil.size() == 19 ? civil.substr(0, 10) + "T" + civil.substr(11) : civil,
                       &cs);
  return absl::FromCivil(cs, zone);
}

absl::Time DayStart() {
  absl::TimeZone zone;
  absl::LoadTimeZone(kZone, &zone);
  return absl::FromCivil(absl::ToCivilDay(absl::Now(), zone) - 2, zone);
}

std::string DayLabel(absl::Time t) {
  absl::TimeZone zone;
  absl::LoadTimeZone(kZone, &zone);
  return absl::FormatCivilTime(absl::ToCivilDay(t, zone));
}

namespace {

// Now, once at least `room` is left before `end_of(now)`.
absl::Time NowWithRoom(absl::Duration room, absl::Time (*end_of)(absl::Time, absl::TimeZone)) {
  absl::TimeZone zone;
  absl::LoadTimeZone(kZone, &zone);
  absl::Time now = absl::Now();
  testing::Await(
      [&] {
        now = absl::Now();
        return end_of(now, zone) - now >= room;
      },
      room + absl::Seconds(1), absl::Milliseconds(100));
  return now;
}

}  // namespace

absl::Time NowWithRoomInHour(absl::Duration room) {
  return NowWithRoom(room, [](absl::Time t, absl::TimeZone zone) {
    return absl::FromCivil(absl::ToCivilHour(t, zone) + 1, zone);
  });
}

absl::Time NowWithRoomInDay(absl::Duration room) {
  return NowWithRoom(room, [](absl::Time t, absl::TimeZone zone) {
    return absl::FromCivil(absl::ToCivilDay(t, zone) + 1, zone);
  });
}

absl::StatusOr<std::unique_ptr<MetricsStack>> MetricsStack::Start(
    const MetricsStackOptions& options) {
  auto stack = std::unique_ptr<MetricsStack>(new MetricsStack());
  stack->options_ = options;
  stack->dir_ = testing::MakeTestDir(options.name);
  stack->tokens_file_ = stack->dir_ + "/tokens";
  stack->config_file_ = stack->dir_ + "/metrics.yaml";
  if (auto s = testing::WriteTextFile(stack->tokens_file_,
                                      absl::StrCat(kToken, " agent-ann agent\n"));
      !s.ok()) {
    return s;
  }
  if (auto s = testing::WriteTextFile(stack->config_file_, Config(options)); !s.ok()) return s;
  auto redis = testing::RedisServer::Start(stack->dir_);
  if (!redis.ok()) return redis.status();
  stack->redis_ = *std::move(redis);
  auto kafka = testing::DevKafka::Start(stack->dir_);
  if (!kafka.ok()) return kafka.status();
  stack->kafka_ = *std::move(kafka);
  runtime::KafkaProducerOptions producer_options;
  producer_options.brokers = stack->kafka_->bootstrap();
  producer_options.client_id = "metrics-test";
  auto producer = runtime::KafkaProducer::Create(producer_options);
  if (!producer.ok()) return producer.status();
  stack->producer_ = *std::move(producer);
  if (auto s = stack->StartService(); !s.ok()) return s;
  return stack;
}

MetricsStack::~MetricsStack() {
  for (Replica& r : replicas_) {
    if (r.process != nullptr) r.process->Terminate(absl::Seconds(10));
    r.process.reset();
  }
  producer_.reset();
  kafka_.reset();
  if (redis_ != nullptr) redis_->Stop();
}

absl::Status MetricsStack::StartService(int replica) {
  Replica& r = replicas_[replica];
  if (ServiceRunning(replica)) return absl::OkStatus();
  r.ready_file = absl::StrCat(dir_, "/ready-", replica, ".json");
  std::remove(r.ready_file.c_str());
  std::vector<std::string> argv = {
      testing::BuildPath("services/metrics/sqms-metrics"),
      "--grpc-listen", "127.0.0.1:0",
      "--metrics-listen", "127.0.0.1:0",
      "--redis-address", redis_->address(),
      "--kafka-brokers", kafka_->bootstrap(),
      "--tokens-file", tokens_file_,
      "--config", config_file_,
      "--instance-id", absl::StrCat("metrics-", replica),
      "--checkpoint-every", std::to_string(options_.checkpoint_every),
      "--checkpoint-interval-ms", "100",
      "--evaluate-interval-ms", "100",
      "--ready-file", r.ready_file,
      "--log-level", "debug"};
  const std::string log = absl::StrCat(dir_, "/metrics-", replica, "-", r.starts++, ".log");
  testing::ReadyPorts ports;
  auto process = testing::StartServiceProcess(argv, log, r.ready_file, &ports);
  if (!process.ok()) return process.status();
  r.process = *std::move(process);
  r.grpc_port = ports.grpc_port;
  r.metrics_port = ports.metrics_port;
  return absl::OkStatus();
}

void MetricsStack::KillService(int replica) {
  if (replicas_[replica].process != nullptr) replicas_[replica].process->Kill();
  replicas_[replica].process.reset();
}

int MetricsStack::StopService(int replica) {
  if (replicas_[replica].process == nullptr) return 0;
  const int status = replicas_[replica].process->Terminate(absl::Seconds(15));
  replicas_[replica].process.reset();
  return status;
}

bool MetricsStack::ServiceRunning(int replica) {
  return replicas_[replica].process != nullptr && replicas_[replica].process->Running();
}

std::unique_ptr<mv1::MetricsService::Stub> MetricsStack::Metrics(int replica) const {
  return mv1::MetricsService::NewStub(testing::LocalChannel(replicas_[replica].grpc_port));
}

std::string MetricsStack::ScrapeMetrics(int replica) const {
  runtime::HttpClient http;
  runtime::HttpRequest request;
  request.url = absl::StrCat("http://127.0.0.1:", replicas_[replica].metrics_port, "/metrics");
  auto response = http.SendAndWait(request);
  return response.ok() ? response->body : "";
}

absl::Status MetricsStack::Produce(const std::vector<ev::ContactEvent>& events,
                                   std::optional<absl::Time> produced) {
  std::vector<runtime::KafkaRecord> records;
  for (const ev::ContactEvent& e : events) {
    records.push_back(
        Record("sqms.contact.v1", e.contact_id(), e, "sqms.contact.v1.event", produced));
  }
  return testing::ProduceAll(*producer_, std::move(records));
}

absl::Status MetricsStack::Produce(const std::vector<ev::ComplaintEvent>& events) {
  std::vector<runtime::KafkaRecord> records;
  for (const ev::ComplaintEvent& e : events) {
    records.push_back(Record("sqms.complaints.v1", e.complaint().id(), e,
                             "sqms.complaints.v1.event", std::nullopt));
  }
  return testing::ProduceAll(*producer_, std::move(records));
}

absl::Status MetricsStack::Produce(const std::vector<ev::IncidentEvent>& events,
                                  const std::string& key) {
  std::vector<runtime::KafkaRecord> records;
  for (const ev::IncidentEvent& e : events) {
    const std::string type =
        ev::IncidentEventType_Name(e.type()).substr(std::string("INCIDENT_EVENT_TYPE_").size());
    records.push_back(Record("sqms.incidents.v1", key.empty() ? e.incident_id() : key, e,
                             "sqms.incidents.v1." + absl::AsciiStrToLower(type), std::nullopt));
  }
  return testing::ProduceAll(*producer_, std::move(records));
}

std::unique_ptr<grpc::ClientContext> Ctx(absl::Duration deadline) {
  return testing::CallContext(kToken, deadline);
}

ev::ContactEvent Contact(const std::string& contact, absl::Time at, const std::string& department) {
  ev::ContactEvent e;
  e.set_event_id(testing::Unique("ce"));
  e.set_contact_id(contact);
  *e.mutable_occurred_at() = Ts(at);
  e.set_channel("hotline");
  e.set_department(department);
  e.set_station("beijing-south");
  e.set_region("north");
  return e;
}

ev::ComplaintEvent Complaint(const std::string& id, ev::ComplaintEventType type, absl::Time at,
                             const std::string& department) {
  ev::ComplaintEvent e;
  e.set_event_id(testing::Unique("cev"));
  e.set_type(type);
  *e.mutable_occurred_at() = Ts(at);
  auto* c = e.mutable_complaint();
  c->set_id(id);
  c->set_department(department);
  c->set_channel(::sqms::complaints::v1::CHANNEL_HOTLINE);
  c->set_category(::sqms::complaints::v1::CATEGORY_TICKETING);
  *c->mutable_received_at() = Ts(at);
  return e;
}

ev::IncidentEvent Incident(const std::string& id, ev::IncidentEventType type, absl::Time at,
                           const std::string& plan, const std::string& level, absl::Time opened) {
  ev::IncidentEvent e;
  e.set_event_id(testing::Unique("iev"));
  e.set_type(type);
  *e.mutable_occurred_at() = Ts(at);
  e.set_incident_id(id);
  e.set_plan_id(plan);
  e.set_level(level);
  e.set_actor("system");
  *e.mutable_opened_at() = Ts(opened);
  return e;
}

}  // namespace sqms::metrics::it
