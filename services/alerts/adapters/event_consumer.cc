#include "services/alerts/adapters/event_consumer.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "services/alerts/codec/event_alerts.h"
#include "sqms/runtime/log.h"

namespace sqms::alerts::adapters {

absl::Status HandleEventRecord(const runtime::ConsumedRecord& record,
                               const std::string& complaints_topic, const std::string& kpi_topic,
                               const AlertSink& sink) {
  const std::string ce_id = record.Header("ce_id").value_or("");
  absl::StatusOr<std::optional<domain::Alert>> alert;
  if (record.topic == complaints_topic) {
    alert = codec::ComplaintEventToAlert(record.value, ce_id);
  } else if (record.topic == kpi_topic) {
    alert = codec::KpiEventToAlert(record.value, ce_id);
  } else {
    return absl::InvalidArgumentError(
        absl::StrCat("topic ", record.topic, ": not one the alerts service consumes"));
  }
  if (!alert.ok()) return alert.status();
  if (!alert->has_value()) return absl::OkStatus();
  return sink(**alert).status();
}

absl::StatusOr<std::unique_ptr<EventConsumer>> EventConsumer::Create(
    EventConsumerOptions options, AlertSink sink,
    std::function<void(const absl::Status&)> on_error) {
  if (options.group.empty()) return absl::InvalidArgumentError("group: must not be empty");
  if (options.complaints_topic.empty()) {
    return absl::InvalidArgumentError("complaints_topic: must not be empty");
  }
  if (options.kpi_topic.empty()) return absl::InvalidArgumentError("kpi_topic: must not be empty");
  if (options.complaints_topic == options.kpi_topic) {
    return absl::InvalidArgumentError(absl::StrCat(
        "kpi_topic: equals complaints_topic (", options.kpi_topic, "); records need their topic"));
  }
  if (options.max_attempts < 1) {
    return absl::InvalidArgumentError(absl::StrCat(
        "max_attempts: ", options.max_attempts,
        " is below 1 (poison records are dead-lettered, never retried forever)"));
  }
  if (!sink) return absl::InvalidArgumentError("sink: must be set");
  if (options.first_start_lookback < std::chrono::milliseconds::zero()) {
    return absl::InvalidArgumentError("first_start_lookback: must not be negative");
  }

  runtime::KafkaConsumerOptions loop_options;
  loop_options.brokers = options.brokers;
  loop_options.group_id = options.group;
  loop_options.topics = {options.complaints_topic, options.kpi_topic};
  loop_options.client_id = options.client_id;
  // A new group starts at the beginning, so an alert raised while the
  // service was first deployed is still an alert — but not one from before
  // the lookback: a week of retention holds safety complaints long handled.
  loop_options.auto_offset_reset = "earliest";
  loop_options.first_start_lookback = options.first_start_lookback;
  loop_options.max_attempts = options.max_attempts;
  loop_options.retry_backoff = options.retry_backoff;
  // Conversion errors are INVALID_ARGUMENT: only the processor's can be
  // transient, and those wait for the store rather than dead-letter.
  loop_options.is_transient = runtime::IsTransientError;
  loop_options.properties = options.properties;
  loop_options.metrics = options.metrics;

  runtime::KafkaConsumerHooks hooks;
  hooks.on_error = on_error ? std::move(on_error) : [](const absl::Status& status) {
    runtime::log::Warn("alert event consumer error", {{"error", std::string(status.message())}});
  };

  absl::StatusOr<std::unique_ptr<runtime::KafkaConsumerLoop>> loop =
      runtime::KafkaConsumerLoop::Create(
          std::move(loop_options), std::move(hooks),
          [complaints = options.complaints_topic, kpi = options.kpi_topic,
           sink = std::move(sink)](const runtime::ConsumedRecord& record) {
            return HandleEventRecord(record, complaints, kpi, sink);
          });
  if (!loop.ok()) return loop.status();
  return std::unique_ptr<EventConsumer>(new EventConsumer(*std::move(loop)));
}

EventConsumer::EventConsumer(std::unique_ptr<runtime::KafkaConsumerLoop> loop)
    : loop_(std::move(loop)) {}

EventConsumer::~EventConsumer() { Stop(); }

void EventConsumer::Start() { loop_->Start(); }

void EventConsumer::Stop() { loop_->Stop(); }

}  // namespace sqms::alerts::adapters
