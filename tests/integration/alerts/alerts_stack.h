#pragma once
// The alerts integration tests' stack: a real redis-server, devkafka, a
// webhook-sink (tools/webhook-sink) receiving every notification, and one
// or two sqms-alerts replicas with a per-test plans file whose targets
// point at the sink.

#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "grpcpp/grpcpp.h"
#include "sqms/alerts/v1/service.grpc.pb.h"
#include "sqms/events/v1/complaint_event.pb.h"
#include "sqms/runtime/http/http_client.h"
#include "sqms/runtime/kafka_producer.h"
#include "tests/support/support.h"

namespace sqms::alerts::it {

namespace av1 = ::sqms::alerts::v1;
namespace ev = ::sqms::events::v1;

struct AlertsStackOptions {
  std::string name = "alerts";
  // The plans file's `plans:` and `inhibit_rules:` (targets "sink" → /hook,
  // "robot" → /dingtalk, "down" → a path the sink answers 503, and
  // "refused" → a DingTalk robot answering HTTP 200 with kRefusal are
  // defined by the stack).
  std::string plans;
};

// What the sink answers target "refused" (HTTP 200), as a DingTalk robot
// refusing a message does.
inline constexpr char kRefusal[] = R"({"errcode":310000,"errmsg":"keywords not in content"})";

// One request the sink received.
struct SinkRequest {
  int64_t received_at_ms = 0;
  std::string path;
  nlohmann::json body;
};

class AlertsStack {
 public:
  static absl::StatusOr<std::unique_ptr<AlertsStack>> Start(const AlertsStackOptions& options);
  // The same, the Alertmanager webhook receiver accepting only
  // `webhook_token` (--webhook-tokens-file); "" = --webhook-insecure-no-auth,
  // any request.
  static absl::StatusOr<std::unique_ptr<AlertsStack>> Start(const AlertsStackOptions& options,
                                                            const std::string& webhook_token);
  ~AlertsStack();

  // `extra_args`: more flags for this start (e.g. another --group).
  absl::Status StartService(int replica = 0, const std::vector<std::string>& extra_args = {});
  void KillService(int replica = 0);  // SIGKILL
  int StopService(int replica = 0);   // SIGTERM; the exit status

  const std::string& dir() const { return dir_; }
  const std::string& config_file() const { return config_file_; }
  testing::RedisServer& redis() { return *redis_; }
  testing::DevKafka& kafka() { return *kafka_; }
  std::unique_ptr<av1::AlertService::Stub> Alerts(int replica = 0) const;
  int webhook_port(int replica = 0) const { return replicas_[replica].webhook_port; }
  int metrics_port(int replica = 0) const { return replicas_[replica].metrics_port; }
  std::string ScrapeMetrics(int replica = 0) const;
  // Durable timers (escalations, deliveries) not yet done and due within
  // ten minutes; -1 if unreadable. A triggered incident always has its
  // next page scheduled (the last tier repeats until acknowledged): one an
  // hour away, as the test plans' last tiers have, is not counted.
  int PendingTimers() const;

  // Every request the sink received so far, in arrival order.
  std::vector<SinkRequest> SinkRequests() const;
  // Those of `incident_id` (generic bodies at /hook), optionally of one kind.
  std::vector<SinkRequest> Pages(const std::string& incident_id, const std::string& kind = "") const;

  // Stamped `timestamp` (Kafka CreateTime) when given, else now.
  absl::Status Produce(const std::vector<ev::ComplaintEvent>& events,
                       std::optional<absl::Time> timestamp = std::nullopt);

 private:
  AlertsStack() = default;
  struct Replica {
    std::unique_ptr<testing::Process> process;
    int grpc_port = 0, metrics_port = 0, webhook_port = 0, starts = 0;
  };
  std::string dir_, tokens_file_, config_file_, sink_out_;
  std::string webhook_tokens_file_;  // "" = --webhook-insecure-no-auth
  int sink_port_ = 0;
  std::unique_ptr<testing::RedisServer> redis_;
  std::unique_ptr<testing::DevKafka> kafka_;
  std::unique_ptr<testing::Process> sink_;
  std::unique_ptr<runtime::KafkaProducer> producer_;
  Replica replicas_[2];
};

// A client context with the supervisor's bearer token and a deadline.
std::unique_ptr<grpc::ClientContext> Ctx(absl::Duration deadline = absl::Seconds(10));
// The same with the admin's token (UpsertPlan).
std::unique_ptr<grpc::ClientContext> AdminCtx(absl::Duration deadline = absl::Seconds(10));

// The incidents of `plan` (ListIncidents, up to 1000); empty on an error
// (the caller awaits).
std::vector<av1::Incident> Incidents(av1::AlertService::Stub& stub, const std::string& plan);
// The same with a monitoring client's token (role service).
std::unique_ptr<grpc::ClientContext> ServiceCtx(absl::Duration deadline = absl::Seconds(10));

// RaiseAlert with `labels` and a fresh request id; the response or the error.
absl::StatusOr<av1::RaiseAlertResponse> Raise(av1::AlertService::Stub& stub,
                                              const std::map<std::string, std::string>& labels,
                                              bool resolved = false);

// POSTs `body` to the Alertmanager webhook on `port`, with `token` as its
// bearer token ("" = no Authorization header); the answer or the error.
absl::StatusOr<runtime::HttpResponse> PostWebhook(int port, const std::string& body,
                                                  const std::string& token = "");

// CreateSilence (as the supervisor, a fresh request id) of the alerts whose
// `label` equals `value`, from now for an hour; the silence or the error.
absl::StatusOr<av1::Silence> Silence(av1::AlertService::Stub& stub, const std::string& label,
                                     const std::string& value, const std::string& comment);

// A submitted complaint of `category` ("safety" …) and priority (1–4) at
// `station`, as the complaints service publishes it.
ev::ComplaintEvent Submitted(const std::string& complaint_id, const std::string& category,
                             int priority, const std::string& station);

}  // namespace sqms::alerts::it
