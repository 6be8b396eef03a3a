#pragma once
// Kafka → known issues: consumes sqms.incidents.v1 (published by
// sqms-alerts), decodes each record (codec/incident_event_codec.h) and
// hands the change to the sink (ComplaintService::ApplyIncidentChange).
//
// Delivery contract:
//  - At least once, from runtime::KafkaConsumerLoop: an offset is committed
//    only after the sink returned OK, so a crash redelivers the records in
//    flight; the sink is idempotent (registry writes, releases that find
//    nothing held the second time).
//  - One consumer group for every replica: each incident's events (one
//    key, one partition) are applied in order by one replica at a time;
//    the registry in Redis shares the result with the others.
//  - A store outage never skips a change: transient sink errors
//    (runtime::IsTransientError) are retried without limit, the partition
//    waiting meanwhile.
//  - Poison records (a payload that does not parse) go to `<topic>.dlq`
//    after `max_attempts`; drills and incidents of plans that link no
//    complaints are skipped (committed).
// Runs on the loop's thread; consumer errors go to `on_error` (default: a
// warning log line).
//
// Metrics: with `metrics` set, the runtime loop exports
// sqms_consumer_lag{group,topic,partition} (kafka_consumer.h) of this group,
// so a consumer held up — Redis down, a record retried — shows as lag and
// SqmsComplaintsConsumerLagHigh warns: the incidents' complaints wait
// unlinked meanwhile.

#include <functional>
#include <map>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "services/complaints/domain/known_issue.h"
#include "sqms/runtime/kafka_consumer.h"

namespace sqms::complaints::adapters {

using IncidentSink = std::function<absl::Status(const domain::IncidentChange&)>;

struct IncidentConsumerOptions {
  std::string brokers;                          // required
  std::string topic = "sqms.incidents.v1";
  std::string group = "sqms-complaints-incidents";
  std::string client_id = "sqms-complaints";
  int max_attempts = 5;
  std::chrono::milliseconds retry_backoff{200};
  std::map<std::string, std::string> properties;  // extra librdkafka properties
  // Where the loop's sqms_consumer_lag is registered; null: not tracked.
  // Must outlive the consumer.
  prometheus::Registry* metrics = nullptr;
};

// One record: decode, then the sink. OK for a record with nothing to apply;
// INVALID_ARGUMENT for a payload that does not parse; else the sink's
// answer.
absl::Status HandleIncidentRecord(const runtime::ConsumedRecord& record,
                                  const IncidentSink& sink);

// INVALID_ARGUMENT naming the option when librdkafka refuses the
// configuration (empty brokers, topic or group). Does not connect until
// Start(). Stop() before `sink`'s objects go away (the destructor stops).
absl::StatusOr<std::unique_ptr<runtime::KafkaConsumerLoop>> StartIncidentConsumer(
    IncidentConsumerOptions options, IncidentSink sink,
    std::function<void(const absl::Status&)> on_error = nullptr);

}  // namespace sqms::complaints::adapters
