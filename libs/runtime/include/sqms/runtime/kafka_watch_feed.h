#pragma once
// The Kafka side of a service's "watch" streams: one consumer per process,
// in a consumer group of its own (so every replica sees every record),
// starting at "latest" (a watch sees events from now on), handing each
// record to `on_record` on the consumer's thread — while `watched` says
// someone watches: records that arrive while nobody does are passed over
// unread, so an unwatched feed costs a service no decoding and no lookups
// (the complaints service's feed was 3 % of its CPU at full intake with
// nobody watching). Best effort by design: a watch is a live view, not a
// log — `on_record` cannot fail, nothing is retried or dead-lettered, and
// offsets are not worth keeping.

#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "sqms/runtime/kafka_consumer.h"
#include "sqms/runtime/kafka_properties.h"

namespace sqms::runtime {

class KafkaWatchFeed {
 public:
  // Whether anyone watches now (e.g. a FanOutHub has subscribers); asked
  // once per record on the consumer's thread, so it must be cheap.
  using Watched = std::function<bool()>;
  // The record is valid for the call only (KafkaConsumerLoop::Handler).
  using OnRecord = std::function<void(const ConsumedRecord&)>;

  // Starts consuming `topic` in group GroupId(group_prefix).
  // INVALID_ARGUMENT for bad consumer configuration (e.g. empty brokers).
  static absl::StatusOr<std::unique_ptr<KafkaWatchFeed>> Start(const KafkaConnection& kafka,
                                                               const std::string& topic,
                                                               std::string_view group_prefix,
                                                               Watched watched, OnRecord on_record);
  ~KafkaWatchFeed();  // stops the consumer (joins its thread)

  // "<prefix>-<hostname>-<pid>": unique per process.
  static std::string GroupId(std::string_view prefix);

 private:
  explicit KafkaWatchFeed(std::unique_ptr<KafkaConsumerLoop> loop);
  std::unique_ptr<KafkaConsumerLoop> loop_;
};

}  // namespace sqms::runtime
