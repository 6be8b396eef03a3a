#include "kafka_dead_letter.h"

#include <optional>
#include <string>
#include <utility>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"

namespace sqms::runtime {
namespace {

// Delivery outcome shared with the producer's poll thread, which may report
// after the writer stopped waiting.
struct Outcome {
  absl::Mutex mu;
  std::optional<absl::Status> status ABSL_GUARDED_BY(mu);
};

}  // namespace

absl::StatusOr<std::unique_ptr<DeadLetterWriter>> DeadLetterWriter::Create(
    const KafkaConsumerOptions& options) {
  KafkaProducerOptions producer_options;
  producer_options.brokers = options.brokers;
  producer_options.client_id = options.client_id + "-dlq";
  producer_options.linger = std::chrono::milliseconds(0);
  producer_options.properties = options.properties;
  auto producer = KafkaProducer::Create(std::move(producer_options));
  if (!producer.ok()) return producer.status();
  return std::unique_ptr<DeadLetterWriter>(new DeadLetterWriter(std::move(*producer)));
}

absl::Status DeadLetterWriter::Write(const ConsumedRecord& record, const absl::Status& error,
                                     const std::atomic<bool>& stopping) {
  KafkaRecord out{record.topic + ".dlq", record.key, record.value, record.headers};
  out.headers.emplace_back("x-sqms-error", error.ToString());
  out.headers.emplace_back("x-sqms-source-topic", record.topic);
  out.headers.emplace_back("x-sqms-source-partition", std::to_string(record.partition));
  out.headers.emplace_back("x-sqms-source-offset", std::to_string(record.offset));
  auto outcome = std::make_shared<Outcome>();
  absl::Status queued = producer_->Produce(std::move(out), [outcome](absl::Status s) {
    absl::MutexLock lock(&outcome->mu);
    outcome->status = std::move(s);
  });
  if (!queued.ok()) return queued;
  absl::MutexLock lock(&outcome->mu);
  while (!outcome->status.has_value()) {
    if (stopping.load()) return absl::CancelledError("dead-letter write abandoned: stopping");
    outcome->mu.AwaitWithTimeout(
        absl::Condition(
            +[](std::optional<absl::Status>* s) { return s->has_value(); }, &outcome->status),
        absl::Milliseconds(100));
  }
  return *outcome->status;
}

}  // namespace sqms::runtime
