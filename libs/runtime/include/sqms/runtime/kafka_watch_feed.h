#pragma once
// The Kafka side of a service's "watch" streams: one consumer per process,
// in a consumer group of its own (so every replica sees every record),
// starting at "latest" (a watch sees events from now on), handing each
// record to `on_record` on the consumer's thread. Best effort by design: a
// watch is a live view, not a log — `on_record` cannot fail, nothing is
// retried or dead-lettered, and offsets are not worth keeping.

#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "sqms/runtime/kafka_consumer.h"

namespace sqms::runtime {

class KafkaWatchFeed {
 public:
  // The record is valid for the call only (KafkaConsumerLoop::Handler).
  using OnRecord = std::function<void(const ConsumedRecord&)>;

  // Starts consuming `topic` in group GroupId(group_prefix).
  // INVALID_ARGUMENT for bad consumer configuration (e.g. empty brokers).
  static absl::StatusOr<std::unique_ptr<KafkaWatchFeed>> Start(const std::string& brokers,
                                                               const std::string& topic,
                                                               std::string_view group_prefix,
                                                               OnRecord on_record);
  ~KafkaWatchFeed();  // stops the consumer (joins its thread)

  // "<prefix>-<hostname>-<pid>": unique per process.
  static std::string GroupId(std::string_view prefix);

 private:
  explicit KafkaWatchFeed(std::unique_ptr<KafkaConsumerLoop> loop);
  std::unique_ptr<KafkaConsumerLoop> loop_;
};

}  // namespace sqms::runtime
