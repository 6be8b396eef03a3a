#pragma once
// Writing events to Kafka as a service's outbox relay does, for the
// integration tests of the services that consume them.

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "sqms/runtime/kafka_producer.h"

namespace sqms::testing {

// Produces every record (waiting while the producer's queue is full) and
// waits for every delivery; the first delivery error, if any.
absl::Status ProduceAll(runtime::KafkaProducer& producer, std::vector<runtime::KafkaRecord> records);

// A record with the CloudEvents Kafka-binding headers (ce_id = `id`,
// ce_type = `type`, ce_source "//sqms/test").
runtime::KafkaRecord EventRecord(const std::string& topic, const std::string& key,
                                 const std::string& id, std::string payload,
                                 const std::string& type);

}  // namespace sqms::testing
