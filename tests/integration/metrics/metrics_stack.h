#pragma once
// The metrics integration tests' stack: a real redis-server, devkafka and
// the sqms-metrics binary in a per-test directory, a producer that writes
// contact and complaint events to Kafka as the complaints service's relay
// does (CloudEvents headers, keyed by contact or complaint id) and incident
// events as the alerts service's does (keyed by incident id), and stubs to
// query the service.

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "grpcpp/grpcpp.h"
#include "sqms/events/v1/complaint_event.pb.h"
#include "sqms/events/v1/contact_event.pb.h"
#include "sqms/events/v1/incident_event.pb.h"
#include "sqms/metrics/v1/service.grpc.pb.h"
#include "sqms/runtime/kafka_producer.h"
#include "tests/support/support.h"

namespace sqms::metrics::it {

namespace mv1 = ::sqms::metrics::v1;
namespace ev = ::sqms::events::v1;

inline constexpr char kZone[] = "Asia/Shanghai";

struct MetricsStackOptions {
  std::string name = "metrics";
  std::string grace = "5m";
  int checkpoint_every = 200;
  std::string extra_config = "";  // appended to the YAML file (e.g. targets)
};

class MetricsStack {
 public:
  static absl::StatusOr<std::unique_ptr<MetricsStack>> Start(const MetricsStackOptions& options);
  ~MetricsStack();

  // Starts a replica (if `replica` is not running) and waits for its ready file.
  absl::Status StartService(int replica = 0);
  void KillService(int replica = 0);  // SIGKILL
  int StopService(int replica = 0);   // SIGTERM; the exit status
  bool ServiceRunning(int replica = 0);

  // The per-test directory (logs, config); also for a test's own files.
  const std::string& dir() const { return dir_; }
  // The /metrics port of a replica that was started (0 before).
  int metrics_port(int replica = 0) const { return replicas_[replica].metrics_port; }
  testing::RedisServer& redis() { return *redis_; }
  testing::DevKafka& kafka() { return *kafka_; }
  std::unique_ptr<mv1::MetricsService::Stub> Metrics(int replica = 0) const;
  std::string ScrapeMetrics(int replica = 0) const;

  // Produces each event with CloudEvents headers (ce_id = its event_id) and
  // its occurred_at as the record's Kafka timestamp, or `produced` when
  // given (an event that waited before it was produced); waits for every
  // delivery.
  absl::Status Produce(const std::vector<ev::ContactEvent>& events,
                       std::optional<absl::Time> produced = std::nullopt);
  absl::Status Produce(const std::vector<ev::ComplaintEvent>& events);
  // Keyed by the incident id unless `key` is given (to put events on the
  // partition of another incident's).
  absl::Status Produce(const std::vector<ev::IncidentEvent>& events, const std::string& key = "");

 private:
  MetricsStack() = default;
  struct Replica {
    std::unique_ptr<testing::Process> process;
    std::string ready_file;
    int grpc_port = 0, metrics_port = 0, starts = 0;
  };
  MetricsStackOptions options_;
  std::string dir_, tokens_file_, config_file_;
  std::unique_ptr<testing::RedisServer> redis_;
  std::unique_ptr<testing::DevKafka> kafka_;
  std::unique_ptr<runtime::KafkaProducer> producer_;
  Replica replicas_[2];
};

// A client context with the agent's bearer token and a deadline.
std::unique_ptr<grpc::ClientContext> Ctx(absl::Duration deadline = absl::Seconds(10));

// Event builders: a contact event of `contact` at `at` in `department`.
ev::ContactEvent Contact(const std::string& contact, absl::Time at, const std::string& department);
// A complaint event of type `type` for complaint `id` at `at`.
ev::ComplaintEvent Complaint(const std::string& id, ev::ComplaintEventType type, absl::Time at,
                             const std::string& department);

// An incident change of type `type` at `at`, with the incident as it is
// after it (opened_at always; acknowledged_at and resolved_at as the caller sets).
ev::IncidentEvent Incident(const std::string& id, ev::IncidentEventType type, absl::Time at,
                           const std::string& plan, const std::string& level, absl::Time opened);

// A time in kZone: "2026-11-30 10:00:00".
absl::Time Local(const std::string& civil);

// Midnight two days ago in kZone: its day's windows are closed by the time a
// test asks, and far from any retention limit.
absl::Time DayStart();
// The day window's label of `t` in kZone: "2026-11-30".
std::string DayLabel(absl::Time t);

// Now, with at least `room` left before the current hour (day) in kZone
// ends: awaited — up to `room` — when less is left. The service judges
// targets and surges in the window its own clock is in, so a test whose
// events and evaluations must all fall in the one window it dated them in
// starts here; otherwise it would fail whenever it ran across the hour's
// (day's) end.
absl::Time NowWithRoomInHour(absl::Duration room);
absl::Time NowWithRoomInDay(absl::Duration room);

}  // namespace sqms::metrics::it
