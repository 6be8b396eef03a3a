#pragma once
// How every Kafka client of a service reaches the cluster: the brokers, and
// librdkafka properties from a file (--kafka-properties-file) for what a
// production cluster asks of its clients — TLS (security.protocol=ssl,
// ssl.ca.location, ...) and SASL (sasl.mechanism, sasl.username,
// sasl.password). A file, so that its secrets come from a mounted
// Kubernetes Secret and never appear on a command line or in a log.
//
// The file's format is librdkafka's own `-X` / Java client form:
//   # a comment (also "!")
//   security.protocol=sasl_ssl
//   sasl.mechanism = SCRAM-SHA-512
// one key=value per line, whitespace around key and value trimmed, blank
// lines skipped. Keys the services set themselves (bootstrap.servers,
// group.id, offset handling, idempotence and acks — the exactly-once and
// no-loss guarantees rest on them) are refused.

#include <map>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace sqms::runtime {

using KafkaProperties = std::map<std::string, std::string>;

struct KafkaConnection {
  std::string brokers;         // bootstrap servers host:port[,host:port...]
  // Given to every producer and consumer as their `properties`: applied
  // after the client's defaults (so a file may tune e.g. linger.ms or
  // message.timeout.ms), overridden by what a service sets per client
  // (e.g. session.timeout.ms from its flag); the reserved keys cannot be set.
  KafkaProperties properties;
};

// Parses the text of a properties file named `file` (for messages).
// INVALID_ARGUMENT "<file>:<line>: <problem>" for a line without '=', an
// empty key, a key given twice or one the services set themselves. A
// message names the key, never a value (values may be secrets). Pure.
absl::StatusOr<KafkaProperties> ParseKafkaProperties(std::string_view text, std::string_view file);

// Reads `path`, parses it and has librdkafka accept every property (an
// unknown key or an invalid value is INVALID_ARGUMENT naming the file and
// the key, never the value). NOT_FOUND /
// PERMISSION_DENIED naming the file when it cannot be read.
absl::StatusOr<KafkaProperties> LoadKafkaProperties(const std::string& path);

}  // namespace sqms::runtime
