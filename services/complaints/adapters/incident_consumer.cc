#include "services/complaints/adapters/incident_consumer.h"

#include <utility>

#include "services/complaints/codec/incident_event_codec.h"
#include "sqms/runtime/log.h"

namespace sqms::complaints::adapters {

absl::Status HandleIncidentRecord(const runtime::ConsumedRecord& record,
                                  const IncidentSink& sink) {
  auto change = codec::DecodeIncidentEvent(record.value);
  if (!change.ok()) return change.status();
  if (!change->has_value()) return absl::OkStatus();
  return sink(**change);
}

absl::StatusOr<std::unique_ptr<runtime::KafkaConsumerLoop>> StartIncidentConsumer(
    IncidentConsumerOptions options, IncidentSink sink,
    std::function<void(const absl::Status&)> on_error) {
  if (options.topic.empty()) return absl::InvalidArgumentError("topic: must not be empty");
  runtime::KafkaConsumerOptions loop;
  loop.brokers = options.brokers;
  loop.group_id = options.group;
  loop.topics = {options.topic};
  loop.client_id = options.client_id;
  // A new group starts at the beginning: incidents active at deployment
  // are known issues too (ended ones are recorded as ended).
  loop.auto_offset_reset = "earliest";
  loop.max_attempts = options.max_attempts;
  loop.retry_backoff = options.retry_backoff;
  loop.is_transient = runtime::IsTransientError;
  loop.properties = std::move(options.properties);
  loop.metrics = options.metrics;
  runtime::KafkaConsumerHooks hooks;
  hooks.on_error = on_error ? std::move(on_error) : [](const absl::Status& status) {
    runtime::log::Warn("incident consumer error", {{"error", std::string(status.message())}});
  };
  auto made = runtime::KafkaConsumerLoop::Create(
      std::move(loop), std::move(hooks),
      [sink = std::move(sink)](const runtime::ConsumedRecord& record) {
        return HandleIncidentRecord(record, sink);
      });
  if (!made.ok()) return made.status();
  (*made)->Start();
  return made;
}

}  // namespace sqms::complaints::adapters
