#include "services/alerts/adapters/event_consumer.h"

#include <algorithm>
#include <mutex>
#include <optional>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "services/alerts/codec/event_alerts.h"
#include "sqms/runtime/log.h"

namespace sqms::alerts::adapters {
namespace {

constexpr std::chrono::milliseconds kFirstRetry{200};
constexpr std::chrono::milliseconds kLongestRetry{5000};

// The store may answer later: wait for it rather than dead-letter an alert.
bool Transient(const absl::Status& status) {
  switch (status.code()) {
    case absl::StatusCode::kUnavailable:
    case absl::StatusCode::kDeadlineExceeded:
    case absl::StatusCode::kAborted:
    case absl::StatusCode::kResourceExhausted: return true;
    default: return false;
  }
}

}  // namespace

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
  // An attempt cut short by Stop() counts as a failure with the loop: with a
  // single attempt, stopping during a store outage would dead-letter an alert.
  if (options.max_attempts < 2) {
    return absl::InvalidArgumentError(absl::StrCat(
        "max_attempts: ", options.max_attempts,
        " is below 2 (poison records are dead-lettered, never retried forever, and an attempt "
        "cut short by Stop() must not dead-letter a record)"));
  }
  if (!sink) return absl::InvalidArgumentError("sink: must be set");

  runtime::KafkaConsumerOptions loop_options;
  loop_options.brokers = options.brokers;
  loop_options.group_id = options.group;
  loop_options.topics = {options.complaints_topic, options.kpi_topic};
  loop_options.client_id = options.client_id;
  // A new group starts at the beginning: an alert raised while the service
  // was first deployed is still an alert.
  loop_options.auto_offset_reset = "earliest";
  loop_options.max_attempts = options.max_attempts;
  loop_options.retry_backoff = options.retry_backoff;
  loop_options.properties = options.properties;

  runtime::KafkaConsumerHooks hooks;
  hooks.on_error = on_error ? std::move(on_error) : [](const absl::Status& status) {
    runtime::log::Warn("alert event consumer error", {{"error", std::string(status.message())}});
  };

  std::unique_ptr<EventConsumer> consumer(new EventConsumer(std::move(options), std::move(sink)));
  EventConsumer* self = consumer.get();
  absl::StatusOr<std::unique_ptr<runtime::KafkaConsumerLoop>> loop =
      runtime::KafkaConsumerLoop::Create(
          std::move(loop_options), std::move(hooks),
          [self](const runtime::ConsumedRecord& record) { return self->Handle(record); });
  if (!loop.ok()) return loop.status();
  consumer->loop_ = *std::move(loop);
  return consumer;
}

EventConsumer::EventConsumer(EventConsumerOptions options, AlertSink sink)
    : options_(std::move(options)), sink_(std::move(sink)) {}

EventConsumer::~EventConsumer() { Stop(); }

void EventConsumer::Start() { loop_->Start(); }

void EventConsumer::Stop() {
  std::call_once(stop_once_, [this] { stopping_.Notify(); });
  // Null only when Create failed. Joined here, before any member the
  // handler reads goes away.
  if (loop_ != nullptr) loop_->Stop();
}

absl::Status EventConsumer::Handle(const runtime::ConsumedRecord& record) {
  std::chrono::milliseconds backoff = kFirstRetry;
  for (;;) {
    absl::Status status =
        HandleEventRecord(record, options_.complaints_topic, options_.kpi_topic, sink_);
    // Conversion errors are INVALID_ARGUMENT: only the sink's can be transient.
    if (status.ok() || !Transient(status)) return status;
    runtime::log::Warn("alert processing failed; retrying",
                       {{"topic", record.topic},
                        {"partition", record.partition},
                        {"offset", record.offset},
                        {"retry_ms", backoff.count()},
                        {"error", std::string(status.message())}});
    if (stopping_.WaitForNotificationWithTimeout(absl::FromChrono(backoff))) return status;
    backoff = std::min(backoff * 2, kLongestRetry);
  }
}

}  // namespace sqms::alerts::adapters
