#include <optional>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "sqms/runtime/kafka_producer.h"

namespace sqms::runtime {
namespace {

std::optional<std::string> First(const KafkaHeaders& headers, const std::string& name) {
  for (const auto& [key, value] : headers) {
    if (key == name) return value;
  }
  return std::nullopt;
}

absl::StatusOr<std::string> Required(const KafkaHeaders& headers, const std::string& name) {
  std::optional<std::string> value = First(headers, name);
  if (!value.has_value() || value->empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("cloudevents header '", name, "': missing or empty"));
  }
  return *value;
}

}  // namespace

KafkaHeaders CloudEventHeaders(const CloudEvent& event) {
  KafkaHeaders headers = {
      {"ce_specversion", "1.0"},
      {"ce_id", event.id},
      {"ce_source", event.source},
      {"ce_type", event.type},
      {"ce_time", absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", absl::FromChrono(event.time),
                                   absl::UTCTimeZone())},
      {"content-type", event.content_type},
  };
  // The CloudEvents distributed-tracing extension: attributes are ce_-prefixed
  // headers in the Kafka binding.
  if (!event.traceparent.empty()) headers.emplace_back("ce_traceparent", event.traceparent);
  if (!event.traceparent.empty() && !event.tracestate.empty()) {
    headers.emplace_back("ce_tracestate", event.tracestate);
  }
  return headers;
}

absl::StatusOr<CloudEvent> ParseCloudEventHeaders(const KafkaHeaders& headers) {
  auto version = Required(headers, "ce_specversion");
  if (!version.ok()) return version.status();
  if (*version != "1.0") {
    return absl::InvalidArgumentError(
        absl::StrCat("cloudevents header 'ce_specversion': \"", *version, "\" is not 1.0"));
  }
  CloudEvent event;
  for (auto [name, field] : {std::pair{"ce_id", &event.id}, std::pair{"ce_source", &event.source},
                             std::pair{"ce_type", &event.type}}) {
    auto value = Required(headers, name);
    if (!value.ok()) return value.status();
    *field = *std::move(value);
  }
  if (std::optional<std::string> time = First(headers, "ce_time"); time.has_value()) {
    absl::Time parsed;
    std::string error;
    if (!absl::ParseTime(absl::RFC3339_full, *time, &parsed, &error)) {
      return absl::InvalidArgumentError(
          absl::StrCat("cloudevents header 'ce_time': \"", *time, "\" is not RFC 3339: ", error));
    }
    event.time = absl::ToChronoTime(parsed);
  }
  event.content_type = First(headers, "content-type").value_or("");
  event.traceparent = First(headers, "ce_traceparent").value_or("");
  event.tracestate = First(headers, "ce_tracestate").value_or("");
  return event;
}

}  // namespace sqms::runtime
