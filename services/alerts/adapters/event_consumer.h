#pragma once
// Kafka → alert intake: consumes sqms.complaints.v1 and sqms.kpi.v1, turns
// each record into a domain::Alert (codec/event_alerts.h) and hands it to
// the alert processor.
//
// Delivery contract:
//  - At least once, from runtime::KafkaConsumerLoop: auto-commit off, a
//    record's offset is committed only after its handler returned OK, so a
//    crash redelivers the records in flight.
//  - Exactly-once EFFECT comes from app::AlertProcessor, not from here: the
//    alert id is the record's ce_id (the event_id when the header is
//    missing), and the processor answers a redelivered id with its recorded
//    first answer; should a crash fall between the incident write and that
//    record, the alert's fingerprint is already in the incident
//    (kDuplicate). So a redelivery never opens a second incident.
//  - Poison records: a payload that does not parse (or yields invalid
//    labels) fails permanently; after `max_attempts` failures the loop
//    writes it to `<topic>.dlq` and commits past it.
//  - Store outages never dead-letter an alert: a processor error of code
//    UNAVAILABLE, DEADLINE_EXCEEDED, ABORTED or RESOURCE_EXHAUSTED
//    (runtime::IsTransientError) is retried by the loop (backoff 200 ms
//    doubling to 5 s) until it succeeds or Stop() — the partition waits,
//    its lag shows the outage. Any other processor error is treated like a
//    poison record.
//  - Records of other types (a complaint assigned, a KPI event of an
//    unknown type) are skipped: handler OK, committed.
//  - First start: the group starts at each partition's beginning, but a
//    partition it never committed passes over its records older than
//    `first_start_lookback` (runtime: KafkaConsumerOptions), so deploying
//    the service does not page on the topics' whole retention (a week of
//    safety complaints long handled). Once the group has committed a
//    partition, nothing is passed over: what arrives while the service is
//    down is handled at its restart, however old.
//
// Metrics: the runtime loop exports sqms_consumer_lag{group,topic,partition}
// and sqms_consumer_passed_over_total{group,topic} on `metrics`
// (kafka_consumer.h), so a stalled partition shows — and
// SqmsAlertsConsumerLagHigh pages. This class adds none: every alert that
// reaches the processor is counted there (AlertStats::Received by source,
// Decided by outcome); consumer and dead-letter errors go to `on_error`
// (default: a warning log line).

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "services/alerts/app/alert_processor.h"
#include "services/alerts/domain/alert.h"
#include "sqms/runtime/kafka_consumer.h"

namespace sqms::alerts::adapters {

// What receives the converted alerts: AlertProcessor::Process in
// production, a fake in tests. Called on the consumer's thread, one record
// at a time.
using AlertSink = std::function<absl::StatusOr<app::ProcessResult>(const domain::Alert&)>;

struct EventConsumerOptions {
  std::string brokers;                             // required
  std::string group = "sqms-alerts";               // consumer group id
  std::string complaints_topic = "sqms.complaints.v1";
  std::string kpi_topic = "sqms.kpi.v1";
  std::string client_id = "sqms-alerts";
  // Failed attempts of a poison record before it is dead-lettered (≥ 1).
  int max_attempts = 5;
  // How far back a partition's first start reads (see the top of this
  // file); ≥ 0.
  std::chrono::milliseconds first_start_lookback = std::chrono::hours(1);
  std::chrono::milliseconds retry_backoff{200};
  // Extra librdkafka properties (security.protocol, …), applied last.
  std::map<std::string, std::string> properties;
  // Where the loop's sqms_consumer_lag is registered; null: not tracked.
  // Must outlive the consumer.
  prometheus::Registry* metrics = nullptr;
};

// One record, start to end: ce_id header, conversion by topic, sink. OK when
// the record is done (alert processed, or nothing to raise); the conversion
// error (INVALID_ARGUMENT), or the sink's error as it is, otherwise. A
// record of neither topic is INVALID_ARGUMENT. Pure apart from `sink`;
// EventConsumer's handler is this plus the retries above.
absl::Status HandleEventRecord(const runtime::ConsumedRecord& record,
                               const std::string& complaints_topic, const std::string& kpi_topic,
                               const AlertSink& sink);

class EventConsumer {
 public:
  // INVALID_ARGUMENT naming the option when the configuration is refused
  // (empty brokers, group or topics, equal topics, max_attempts < 2, or a
  // property librdkafka rejects). Does not connect yet. `sink` must stay
  // callable until Stop() returned; `on_error` (optional) runs on the
  // consumer's thread.
  static absl::StatusOr<std::unique_ptr<EventConsumer>> Create(
      EventConsumerOptions options, AlertSink sink,
      std::function<void(const absl::Status&)> on_error = nullptr);

  ~EventConsumer();  // Stop()
  EventConsumer(const EventConsumer&) = delete;
  EventConsumer& operator=(const EventConsumer&) = delete;

  // Subscribes to both topics and starts the consumer thread. At most once.
  void Start();
  // Ends a retry wait in hand at once (its record is not committed and
  // comes back on the next start), commits what was handled, leaves the
  // group and joins the thread. Idempotent; any thread but the consumer's.
  void Stop();

 private:
  explicit EventConsumer(std::unique_ptr<runtime::KafkaConsumerLoop> loop);

  std::unique_ptr<runtime::KafkaConsumerLoop> loop_;
};

}  // namespace sqms::alerts::adapters
