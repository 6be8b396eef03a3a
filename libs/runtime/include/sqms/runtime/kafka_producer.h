#pragma once
// Idempotent Kafka producer (enable.idempotence=true, acks=all) with
// per-record delivery callbacks. Records with the same key go to the same
// partition and are delivered in the order produced, without duplicates,
// across broker outages (message.timeout.ms defaults to infinite: a record is
// retried until delivered or the producer is destroyed).

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace sqms::runtime {

using KafkaHeaders = std::vector<std::pair<std::string, std::string>>;

struct KafkaRecord {
  std::string topic;
  std::string key;
  std::string value;
  KafkaHeaders headers;
  // The record's timestamp (CreateTime, millisecond precision); unset: the
  // moment it is produced.
  std::optional<std::chrono::system_clock::time_point> timestamp = std::nullopt;
};

struct KafkaProducerOptions {
  std::string brokers;                          // bootstrap.servers
  std::string client_id = "sqms";
  // linger.ms. Not librdkafka's 5 ms: an idempotent producer allows 5
  // requests in flight per partition, and librdkafka 2.0.2 (Debian 12;
  // upstream unchanged) busy-polls its broker threads while a partition
  // has 5 in flight and a batch whose linger expired. With 5 ms, a broker
  // answering slower than ~25 ms (here devkafka, short of CPU) set off
  // spins of ~0.4 s in which the service answered no request (the
  // intake's p99 at half load, docs/benchmarks.md); with 20 ms it takes
  // answers slower than ~100 ms. 50 ms did as well but added ~35 ms to
  // the KPI freshness and the complaint-to-page latency; 20 ms adds at
  // most 15 ms per hop (measured: +12 ms to the page's p99).
  std::chrono::milliseconds linger{20};
  std::chrono::milliseconds message_timeout{0}; // 0 = retry forever
  // Extra librdkafka properties (e.g. security.protocol); applied last.
  std::map<std::string, std::string> properties;
};

// Observer for metrics: called on the delivery thread for every outcome.
struct KafkaProducerObserver {
  std::function<void(const std::string& topic)> delivered;
  std::function<void(const std::string& topic, const std::string& error)> failed;
};

class KafkaProducer {
 public:
  using DeliveryCallback = std::function<void(absl::Status)>;

  // INVALID_ARGUMENT naming the property when librdkafka rejects the config.
  static absl::StatusOr<std::unique_ptr<KafkaProducer>> Create(KafkaProducerOptions options,
                                                               KafkaProducerObserver observer = {});
  ~KafkaProducer();  // flushes for up to 5 s, then destroys

  // Thread-safe. Queues the record; `delivered` runs exactly once on the
  // producer's poll thread with OK (acked by all in-sync replicas) or the
  // final error. Returns RESOURCE_EXHAUSTED when the local queue is full
  // (caller backs off), never blocks.
  absl::Status Produce(KafkaRecord record, DeliveryCallback delivered);

  // Waits until every queued record has a delivery outcome or the timeout
  // passes (DEADLINE_EXCEEDED).
  absl::Status Flush(std::chrono::milliseconds timeout);

  // Records queued or in flight.
  int OutstandingCount() const;

  // OK, or the fatal error that made this producer unusable (the idempotent
  // producer lost its guarantees, rd_kafka_fatal_error): every later
  // Produce() fails and the producer must be destroyed and recreated.
  absl::Status FatalError() const;

  // Tests only: raises a fatal error as the broker would (rd_kafka_test_fatal_error).
  void RaiseFatalErrorForTesting();

 private:
  class Impl;
  explicit KafkaProducer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// What a failed Produce() or delivery outcome allows (the runtime maps
// librdkafka's errors in one place and marks the status; a status not from
// the producer is kTransient):
//  - kTransient: may succeed if sent again (queue full, purged on shutdown,
//    timed out, broker unreachable past the retries);
//  - kPermanent: this record can never be delivered as it is (too large,
//    invalid or corrupt record, unknown topic or partition, not authorised,
//    policy violation);
//  - kFatal: the producer itself is unusable (see FatalError()).
enum class KafkaErrorKind { kTransient, kPermanent, kFatal };
KafkaErrorKind ClassifyKafkaError(const absl::Status& status);

// CloudEvents Kafka protocol binding, binary mode: ce_specversion, ce_id,
// ce_source, ce_type, ce_time (RFC 3339, UTC), content-type, and the
// distributed-tracing extension ce_traceparent (+ ce_tracestate) when given.
struct CloudEvent {
  std::string id;
  std::string source;   // e.g. "//sqms/complaints"
  std::string type;     // e.g. "sqms.complaints.v1.submitted"
  std::chrono::system_clock::time_point time;
  std::string content_type = "application/protobuf";
  std::string traceparent;  // optional: W3C trace context (ce_traceparent)
  std::string tracestate;   // optional; sent only with a traceparent (ce_tracestate)
  bool operator==(const CloudEvent&) const = default;
};
KafkaHeaders CloudEventHeaders(const CloudEvent& event);

// The inverse, for consumers: reads the binary-mode headers of a record.
// Header names are matched exactly (the binding's lower case); when one
// repeats, the first wins. ce_time is optional (absent: time stays at the
// epoch) and accepts any RFC 3339 time (offsets, any fraction); content-type
// ce_traceparent and ce_tracestate are optional (absent: empty). INVALID_ARGUMENT naming the
// header when ce_id, ce_source, ce_type or ce_specversion is missing or
// empty, ce_specversion is not "1.0", or ce_time does not parse.
// Round trip: ParseCloudEventHeaders(CloudEventHeaders(e)) == e for every
// event whose time is whole milliseconds and that has no tracestate without
// a traceparent.
absl::StatusOr<CloudEvent> ParseCloudEventHeaders(const KafkaHeaders& headers);
// The same into `out`, reusing its strings' buffers (a consumer parses
// record after record into one object). On an error `out` is partly
// overwritten: use it only after OK.
absl::Status ParseCloudEventHeaders(const KafkaHeaders& headers, CloudEvent* out);

}  // namespace sqms::runtime
