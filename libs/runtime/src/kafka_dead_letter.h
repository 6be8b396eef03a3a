#pragma once
// Writes records a handler gave up on to `<topic>.dlq`. Private to
// sqms_runtime; used by the consumer loop.

#include <atomic>
#include <memory>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "sqms/runtime/kafka_consumer.h"
#include "sqms/runtime/kafka_producer.h"

namespace sqms::runtime {

class DeadLetterWriter {
 public:
  // An idempotent producer on the consumer's brokers and extra properties.
  static absl::StatusOr<std::unique_ptr<DeadLetterWriter>> Create(
      const KafkaConsumerOptions& options);

  // Produces `record` to `<topic>.dlq` with its headers plus x-sqms-error
  // (`error`), x-sqms-source-topic, -partition and -offset, and waits until
  // Kafka acknowledged it (OK), delivery failed (that error) or `stopping`
  // became true (CANCELLED). Blocks the caller; one caller at a time.
  absl::Status Write(const ConsumedRecord& record, const absl::Status& error,
                     const std::atomic<bool>& stopping);

 private:
  explicit DeadLetterWriter(std::unique_ptr<KafkaProducer> producer)
      : producer_(std::move(producer)) {}
  std::unique_ptr<KafkaProducer> producer_;
};

}  // namespace sqms::runtime
