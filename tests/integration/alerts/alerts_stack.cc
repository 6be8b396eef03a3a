#include "tests/integration/alerts/alerts_stack.h"

#include <fstream>
#include <sstream>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "google/protobuf/util/time_util.h"
#include "sqms/runtime/http/http_client.h"
#include "tests/support/event_producer.h"
#include "tests/support/service_client.h"

namespace sqms::alerts::it {
namespace {

constexpr char kToken[] = "tok-supervisor";
constexpr char kAdminToken[] = "tok-admin";
constexpr char kServiceToken[] = "tok-service";

std::string Config(const AlertsStackOptions& options, int sink_port) {
  return absl::StrCat(
      "time_zone: Asia/Shanghai\n"
      "risks:\n"
      "  - {id: test-risk, name: Test risk, probability: 3, impact: 4}\n"
      "targets:\n"
      "  - {id: sink, kind: generic, url: \"http://127.0.0.1:",
      sink_port,
      "/hook\","
      " max_attempts: 5, retry_initial: 1s, retry_max: 2s, timeout: 5s, rate_per_minute: 60000}\n"
      "  - {id: robot, kind: dingtalk, url: \"http://127.0.0.1:",
      sink_port,
      "/dingtalk\","
      " rate_per_minute: 60000}\n"
      "  - {id: down, kind: generic, url: \"http://127.0.0.1:",
      sink_port,
      "/down\","
      " max_attempts: 3, retry_initial: 1s, retry_max: 1s, timeout: 5s, rate_per_minute: 60000}\n"
      "  - {id: refused, kind: dingtalk, url: \"http://127.0.0.1:",
      sink_port,
      "/refused\","
      " max_attempts: 3, retry_initial: 1s, retry_max: 1s, timeout: 5s, rate_per_minute: 60000}\n",
      options.plans);
}

}  // namespace

absl::StatusOr<std::unique_ptr<AlertsStack>> AlertsStack::Start(const AlertsStackOptions& options) {
  return Start(options, "");
}

absl::StatusOr<std::unique_ptr<AlertsStack>> AlertsStack::Start(const AlertsStackOptions& options,
                                                                const std::string& webhook_token) {
  auto stack = std::unique_ptr<AlertsStack>(new AlertsStack());
  stack->dir_ = testing::MakeTestDir(options.name);
  stack->tokens_file_ = stack->dir_ + "/tokens";
  stack->config_file_ = stack->dir_ + "/alerts.yaml";
  stack->sink_out_ = stack->dir_ + "/sink.jsonl";
  if (auto s = testing::WriteTextFile(
          stack->tokens_file_,
          absl::StrCat(kToken, " sup-sue supervisor\ntok-agent agent-ann agent\n", kAdminToken,
                       " admin-ada admin\n", kServiceToken, " mon-max service\n"));
      !s.ok()) {
    return s;
  }
  if (!webhook_token.empty()) {
    stack->webhook_tokens_file_ = stack->dir_ + "/webhook-tokens";
    if (auto s = testing::WriteTextFile(stack->webhook_tokens_file_, webhook_token + "\n");
        !s.ok()) {
      return s;
    }
  }
  const std::string port_file = stack->dir_ + "/sink.port";
  auto sink = testing::Process::Start(
      {testing::BuildPath("tools/webhook-sink/webhook-sink"), "--listen", "127.0.0.1:0",
       "--port-file", port_file, "--out", stack->sink_out_, "--quiet", "--fail-path", "/down",
       "--body-error", absl::StrCat("/refused=", kRefusal)},
      stack->dir_ + "/sink.log");
  if (!sink.ok()) return sink.status();
  stack->sink_ = *std::move(sink);
  if (!testing::Await([&] {
        return absl::SimpleAtoi(absl::StripAsciiWhitespace(testing::ReadFile(port_file)),
                                &stack->sink_port_) && stack->sink_port_ > 0;
      }, absl::Seconds(10))) {
    return absl::UnavailableError("webhook-sink did not start: " +
                                  testing::ReadFile(stack->dir_ + "/sink.log"));
  }
  if (auto s = testing::WriteTextFile(stack->config_file_, Config(options, stack->sink_port_));
      !s.ok()) {
    return s;
  }
  auto redis = testing::RedisServer::Start(stack->dir_);
  if (!redis.ok()) return redis.status();
  stack->redis_ = *std::move(redis);
  auto kafka = testing::DevKafka::Start(stack->dir_);
  if (!kafka.ok()) return kafka.status();
  stack->kafka_ = *std::move(kafka);
  runtime::KafkaProducerOptions producer_options;
  producer_options.brokers = stack->kafka_->bootstrap();
  producer_options.client_id = "alerts-test";
  auto producer = runtime::KafkaProducer::Create(producer_options);
  if (!producer.ok()) return producer.status();
  stack->producer_ = *std::move(producer);
  if (auto s = stack->StartService(); !s.ok()) return s;
  return stack;
}

AlertsStack::~AlertsStack() {
  for (Replica& r : replicas_) {
    if (r.process != nullptr) r.process->Terminate(absl::Seconds(10));
    r.process.reset();
  }
  producer_.reset();
  kafka_.reset();
  if (redis_ != nullptr) redis_->Stop();
  if (sink_ != nullptr) sink_->Terminate(absl::Seconds(5));
}

absl::Status AlertsStack::StartService(int replica, const std::vector<std::string>& extra_args) {
  Replica& r = replicas_[replica];
  if (r.process != nullptr && r.process->Running()) return absl::OkStatus();
  const std::string ready = absl::StrCat(dir_, "/ready-", replica, ".json");
  std::vector<std::string> argv = {
      testing::BuildPath("services/alerts/sqms-alerts"),
      "--grpc-listen", "127.0.0.1:0",
      "--metrics-listen", "127.0.0.1:0",
      "--webhook-listen", "127.0.0.1:0",
      "--redis-address", redis_->address(),
      "--kafka-brokers", kafka_->bootstrap(),
      "--tokens-file", tokens_file_,
      "--config", config_file_,
      "--instance-id", absl::StrCat("alerts-", replica),
      "--ready-file", ready,
      "--log-level", "debug"};
  // The receiver fails closed: without a token the tests opt out explicitly.
  if (!webhook_tokens_file_.empty()) {
    argv.insert(argv.end(), {"--webhook-tokens-file", webhook_tokens_file_});
  } else {
    argv.push_back("--webhook-insecure-no-auth");
  }
  argv.insert(argv.end(), extra_args.begin(), extra_args.end());
  const std::string log = absl::StrCat(dir_, "/alerts-", replica, "-", r.starts++, ".log");
  testing::ReadyPorts ports;
  auto process = testing::StartServiceProcess(argv, log, ready, &ports);
  if (!process.ok()) return process.status();
  r.process = *std::move(process);
  r.grpc_port = ports.grpc_port;
  r.metrics_port = ports.metrics_port;
  r.webhook_port = ports.webhook_port;
  return absl::OkStatus();
}

void AlertsStack::KillService(int replica) {
  if (replicas_[replica].process != nullptr) replicas_[replica].process->Kill();
  replicas_[replica].process.reset();
}

int AlertsStack::StopService(int replica) {
  if (replicas_[replica].process == nullptr) return 0;
  const int status = replicas_[replica].process->Terminate(absl::Seconds(15));
  replicas_[replica].process.reset();
  return status;
}

std::unique_ptr<av1::AlertService::Stub> AlertsStack::Alerts(int replica) const {
  return av1::AlertService::NewStub(testing::LocalChannel(replicas_[replica].grpc_port));
}

std::string AlertsStack::ScrapeMetrics(int replica) const {
  runtime::HttpClient http;
  runtime::HttpRequest request;
  request.url = absl::StrCat("http://127.0.0.1:", replicas_[replica].metrics_port, "/metrics");
  auto response = http.SendAndWait(request);
  return response.ok() ? response->body : "";
}

int AlertsStack::PendingTimers() const {
  int n = -1;
  // Scores are due times in Unix ms.
  const std::string horizon = absl::StrCat(absl::ToUnixMillis(absl::Now() + absl::Minutes(10)));
  if (!absl::SimpleAtoi(absl::StripAsciiWhitespace(
                            redis_->Cli({"ZCOUNT", "{sqms:alerts}:timers", "-inf", horizon})),
                        &n)) {
    return -1;
  }
  return n;
}

std::vector<SinkRequest> AlertsStack::SinkRequests() const {
  std::vector<SinkRequest> out;
  std::istringstream in(testing::ReadFile(sink_out_));
  std::string line;
  while (std::getline(in, line)) {
    nlohmann::json j = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
    if (j.is_discarded()) continue;  // a line being written
    out.push_back({j.value("received_at_ms", int64_t{0}), j.value("path", ""), j["body"]});
  }
  return out;
}

std::vector<SinkRequest> AlertsStack::Pages(const std::string& incident_id,
                                            const std::string& kind) const {
  std::vector<SinkRequest> out;
  for (SinkRequest& r : SinkRequests()) {
    if (r.path != "/hook" || !r.body.is_object()) continue;
    if (r.body.value("incident_id", "") != incident_id) continue;
    if (!kind.empty() && r.body.value("kind", "") != kind) continue;
    out.push_back(std::move(r));
  }
  return out;
}

absl::Status AlertsStack::Produce(const std::vector<ev::ComplaintEvent>& events,
                                  std::optional<absl::Time> timestamp) {
  std::vector<runtime::KafkaRecord> records;
  for (const ev::ComplaintEvent& e : events) {
    records.push_back(testing::EventRecord("sqms.complaints.v1", e.complaint().id(), e.event_id(),
                                           e.SerializeAsString(), "sqms.complaints.v1.submitted"));
    if (timestamp) records.back().timestamp = absl::ToChronoTime(*timestamp);
  }
  return testing::ProduceAll(*producer_, std::move(records));
}

std::unique_ptr<grpc::ClientContext> Ctx(absl::Duration deadline) {
  return testing::CallContext(kToken, deadline);
}

std::vector<av1::Incident> Incidents(av1::AlertService::Stub& stub, const std::string& plan) {
  av1::ListIncidentsRequest request;
  request.set_plan_id(plan);
  request.set_limit(1000);
  av1::ListIncidentsResponse response;
  if (!stub.ListIncidents(Ctx().get(), request, &response).ok()) return {};
  return {response.incidents().begin(), response.incidents().end()};
}

std::unique_ptr<grpc::ClientContext> AdminCtx(absl::Duration deadline) {
  return testing::CallContext(kAdminToken, deadline);
}

std::unique_ptr<grpc::ClientContext> ServiceCtx(absl::Duration deadline) {
  return testing::CallContext(kServiceToken, deadline);
}

absl::StatusOr<av1::RaiseAlertResponse> Raise(av1::AlertService::Stub& stub,
                                              const std::map<std::string, std::string>& labels,
                                              bool resolved) {
  av1::RaiseAlertRequest request;
  for (const auto& [k, v] : labels) (*request.mutable_labels())[k] = v;
  request.set_request_id(testing::Unique("raise"));
  if (resolved) request.set_status(av1::ALERT_STATUS_RESOLVED);
  av1::RaiseAlertResponse response;
  grpc::Status status = stub.RaiseAlert(Ctx().get(), request, &response);
  if (!status.ok()) {
    return absl::Status(static_cast<absl::StatusCode>(status.error_code()), status.error_message());
  }
  return response;
}

absl::StatusOr<runtime::HttpResponse> PostWebhook(int port, const std::string& body,
                                                  const std::string& token) {
  runtime::HttpClient http;
  runtime::HttpRequest request;
  request.method = "POST";
  request.url = absl::StrCat("http://127.0.0.1:", port, "/api/v1/alertmanager");
  request.headers = {{"Content-Type", "application/json"}};
  if (!token.empty()) request.headers.emplace_back("Authorization", absl::StrCat("Bearer ", token));
  request.body = body;
  return http.SendAndWait(request);
}

absl::StatusOr<av1::Silence> Silence(av1::AlertService::Stub& stub, const std::string& label,
                                     const std::string& value, const std::string& comment) {
  av1::CreateSilenceRequest create;
  create.set_request_id(testing::Unique("silence"));
  av1::Matcher* m = create.mutable_silence()->add_matchers();
  m->set_label(label);
  m->set_op("=");
  m->set_value(value);
  create.mutable_silence()->set_comment(comment);
  *create.mutable_silence()->mutable_ends_at() =
      google::protobuf::util::TimeUtil::SecondsToTimestamp(absl::ToUnixSeconds(absl::Now()) + 3600);
  av1::Silence silence;
  grpc::Status status = stub.CreateSilence(Ctx().get(), create, &silence);
  if (!status.ok()) {
    return absl::Status(static_cast<absl::StatusCode>(status.error_code()), status.error_message());
  }
  return silence;
}

ev::ComplaintEvent Submitted(const std::string& complaint_id, const std::string& category,
                             int priority, const std::string& station) {
  ev::ComplaintEvent e;
  e.set_event_id(testing::Unique("cev"));
  e.set_type(ev::COMPLAINT_EVENT_TYPE_SUBMITTED);
  *e.mutable_occurred_at() =
      google::protobuf::util::TimeUtil::MillisecondsToTimestamp(absl::ToUnixMillis(absl::Now()));
  auto* c = e.mutable_complaint();
  c->set_id(complaint_id);
  c->set_department("station-services");
  c->set_channel(::sqms::complaints::v1::CHANNEL_HOTLINE);
  c->set_category(category == "safety" ? ::sqms::complaints::v1::CATEGORY_SAFETY
                                       : ::sqms::complaints::v1::CATEGORY_TICKETING);
  c->set_priority(static_cast<::sqms::complaints::v1::Priority>(priority));
  c->mutable_location()->set_station(station);
  c->set_title("车厢冒烟 smoke in coach 5");
  return e;
}

}  // namespace sqms::alerts::it
