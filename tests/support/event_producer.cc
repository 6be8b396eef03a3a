#include "tests/support/event_producer.h"

#include <future>

#include "sqms/runtime/kafka_producer.h"

namespace sqms::testing {

absl::Status ProduceAll(runtime::KafkaProducer& producer, std::vector<runtime::KafkaRecord> records) {
  std::vector<std::promise<absl::Status>> done(records.size());
  for (size_t i = 0; i < records.size(); ++i) {
    auto* promise = &done[i];
    absl::Status s;
    do {
      s = producer.Produce(records[i], [promise](absl::Status st) { promise->set_value(st); });
      if (absl::IsResourceExhausted(s)) producer.Flush(std::chrono::milliseconds(100)).IgnoreError();
    } while (absl::IsResourceExhausted(s));
    if (!s.ok()) return s;
  }
  for (auto& d : done) {
    if (absl::Status s = d.get_future().get(); !s.ok()) return s;
  }
  return absl::OkStatus();
}

runtime::KafkaRecord EventRecord(const std::string& topic, const std::string& key,
                                 const std::string& id, std::string payload,
                                 const std::string& type) {
  runtime::CloudEvent ce;
  ce.id = id;
  ce.source = "//sqms/test";
  ce.type = type;
  return {topic, key, std::move(payload), runtime::CloudEventHeaders(ce)};
}

}  // namespace sqms::testing
