#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "sqms/runtime/kafka_producer.h"

namespace sqms::runtime {

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
  if (!event.traceparent.empty()) headers.emplace_back("traceparent", event.traceparent);
  return headers;
}

}  // namespace sqms::runtime
