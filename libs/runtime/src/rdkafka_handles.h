#pragma once
// RAII owners for librdkafka C handles and the shared configuration helper
// used by the producer and the consumer loop. Private to sqms_runtime.

#include <librdkafka/rdkafka.h>

#include <map>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "sqms/runtime/kafka_producer.h"

namespace sqms::runtime::rdkafka {

struct KafkaDeleter {
  void operator()(rd_kafka_t* rk) const { rd_kafka_destroy(rk); }
  void operator()(rd_kafka_conf_t* conf) const { rd_kafka_conf_destroy(conf); }
  void operator()(rd_kafka_topic_partition_list_t* list) const {
    rd_kafka_topic_partition_list_destroy(list);
  }
  void operator()(rd_kafka_message_t* msg) const { rd_kafka_message_destroy(msg); }
  void operator()(rd_kafka_queue_t* queue) const { rd_kafka_queue_destroy(queue); }
  void operator()(rd_kafka_headers_t* headers) const { rd_kafka_headers_destroy(headers); }
  void operator()(rd_kafka_error_t* error) const { rd_kafka_error_destroy(error); }
  void operator()(const rd_kafka_metadata_t* md) const { rd_kafka_metadata_destroy(md); }
};

using KafkaHandle = std::unique_ptr<rd_kafka_t, KafkaDeleter>;
using ConfHandle = std::unique_ptr<rd_kafka_conf_t, KafkaDeleter>;
using PartitionList = std::unique_ptr<rd_kafka_topic_partition_list_t, KafkaDeleter>;
using MessageHandle = std::unique_ptr<rd_kafka_message_t, KafkaDeleter>;
using QueueHandle = std::unique_ptr<rd_kafka_queue_t, KafkaDeleter>;
using HeadersHandle = std::unique_ptr<rd_kafka_headers_t, KafkaDeleter>;
using ErrorHandle = std::unique_ptr<rd_kafka_error_t, KafkaDeleter>;
using MetadataHandle = std::unique_ptr<const rd_kafka_metadata_t, KafkaDeleter>;

// Sets each property in order; INVALID_ARGUMENT naming the first property
// librdkafka rejects, with its reason.
absl::Status SetProperties(rd_kafka_conf_t* conf,
                           const std::map<std::string, std::string>& properties);

// Creates a client of `type`, taking ownership of `conf` on success and on
// failure. librdkafka's log messages go to the JSON log. INVALID_ARGUMENT with librdkafka's reason when creation fails.
absl::StatusOr<KafkaHandle> NewClient(rd_kafka_type_t type, ConfHandle conf);

// Copies the headers of `msg` into `out` (none → empty), reusing the
// elements `out` already has and their buffers: a consumer reads record
// after record into the same object without allocating.
void ReadHeaders(const rd_kafka_message_t* msg, KafkaHeaders* out);

// Maps a librdkafka error to an absl status: fatal → INTERNAL, queue full →
// RESOURCE_EXHAUSTED, timeouts → DEADLINE_EXCEEDED, not authorised →
// PERMISSION_DENIED, a record that can never be delivered as it is →
// INVALID_ARGUMENT, anything else → UNAVAILABLE. The message carries
// rd_kafka_err2str; the status carries what the error allows
// (ClassifyKafkaError, kafka_producer.h) as a payload. The one mapping of
// librdkafka's errors in the runtime.
absl::Status ToStatus(rd_kafka_resp_err_t err, const std::string& context);

// The payload ToStatus sets: "transient", "permanent" or "fatal".
inline constexpr char kErrorKindPayload[] = "type.sqms/kafka-error-kind";

}  // namespace sqms::runtime::rdkafka
