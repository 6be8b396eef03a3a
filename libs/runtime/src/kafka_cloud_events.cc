#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "sqms/runtime/kafka_producer.h"

namespace sqms::runtime {
namespace {

// The first header named `name`, or null. Called per consumed record: no
// copies of the name or the value.
const std::string* First(const KafkaHeaders& headers, std::string_view name) {
  for (const auto& [key, value] : headers) {
    if (key == name) return &value;
  }
  return nullptr;
}

absl::Status MissingHeader(std::string_view name) {
  return absl::InvalidArgumentError(absl::StrCat(
      "cloudevents header '", absl::string_view(name.data(), name.size()), "': missing or empty"));
}

// `n` decimal digits of `s` from `at`, or -1.
int Digits(std::string_view s, size_t at, size_t n) {
  int out = 0;
  for (size_t i = at; i < at + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return -1;
    out = out * 10 + (s[i] - '0');
  }
  return out;
}

// "YYYY-MM-DDTHH:MM:SS[.F]Z" (F: 1 to 9 digits), the form CloudEventHeaders
// writes, parsed by hand: absl::ParseTime, a general strptime, cost a
// consumer about 1 µs a record. nullopt for every other form — valid RFC
// 3339 ones too (an offset, a lower-case 't' or 'z', a leap second) — and
// for fields out of range, which absl::ParseTime then decides.
std::optional<absl::Time> ParseUtcTime(std::string_view s) {
  if (s.size() < 20 || s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' ||
      s[16] != ':' || s.back() != 'Z') {
    return std::nullopt;
  }
  const int y = Digits(s, 0, 4), mo = Digits(s, 5, 2), d = Digits(s, 8, 2);
  const int h = Digits(s, 11, 2), mi = Digits(s, 14, 2), sec = Digits(s, 17, 2);
  if (y < 0 || mo < 0 || d < 0 || h < 0 || mi < 0 || sec < 0) return std::nullopt;
  const absl::CivilSecond civil(y, mo, d, h, mi, sec);
  // CivilSecond normalises (February 30 is March 2): out of range → not ours.
  if (civil.year() != y || civil.month() != mo || civil.day() != d || civil.hour() != h ||
      civil.minute() != mi || civil.second() != sec) {
    return std::nullopt;
  }
  int64_t nanos = 0;
  const size_t end = s.size() - 1;  // the 'Z'
  if (end > 19) {
    const size_t digits = end - 20;
    if (s[19] != '.' || digits < 1 || digits > 9) return std::nullopt;
    const int fraction = Digits(s, 20, digits);
    if (fraction < 0) return std::nullopt;
    nanos = fraction;
    for (size_t k = digits; k < 9; ++k) nanos *= 10;
  }
  return absl::FromCivil(civil, absl::UTCTimeZone()) + absl::Nanoseconds(nanos);
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
  CloudEvent event;
  if (absl::Status s = ParseCloudEventHeaders(headers, &event); !s.ok()) return s;
  return event;
}

absl::Status ParseCloudEventHeaders(const KafkaHeaders& headers, CloudEvent* out) {
  const std::string* version = First(headers, "ce_specversion");
  if (version == nullptr || version->empty()) return MissingHeader("ce_specversion");
  if (*version != "1.0") {
    return absl::InvalidArgumentError(
        absl::StrCat("cloudevents header 'ce_specversion': \"", *version, "\" is not 1.0"));
  }
  for (auto [name, field] : {std::pair{"ce_id", &out->id}, std::pair{"ce_source", &out->source},
                             std::pair{"ce_type", &out->type}}) {
    const std::string* value = First(headers, name);
    if (value == nullptr || value->empty()) return MissingHeader(name);
    field->assign(*value);
  }
  out->time = {};  // absent: the epoch
  if (const std::string* time = First(headers, "ce_time"); time != nullptr) {
    std::optional<absl::Time> parsed = ParseUtcTime(*time);
    if (!parsed.has_value()) {
      absl::Time any;
      std::string error;
      if (!absl::ParseTime(absl::RFC3339_full, *time, &any, &error)) {
        return absl::InvalidArgumentError(absl::StrCat("cloudevents header 'ce_time': \"", *time,
                                                       "\" is not RFC 3339: ", error));
      }
      parsed = any;
    }
    out->time = absl::ToChronoTime(*parsed);
  }
  for (auto [name, field] : {std::pair{"content-type", &out->content_type},
                             std::pair{"ce_traceparent", &out->traceparent},
                             std::pair{"ce_tracestate", &out->tracestate}}) {
    const std::string* value = First(headers, name);
    if (value != nullptr) {
      field->assign(*value);
    } else {
      field->clear();  // absent: "", not the default
    }
  }
  return absl::OkStatus();
}

}  // namespace sqms::runtime
