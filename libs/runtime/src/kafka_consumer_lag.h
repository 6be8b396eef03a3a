#pragma once
// sqms_consumer_lag{group,topic,partition} of a KafkaConsumerLoop: what
// the loop knows of each assigned partition's position, and the gauge
// (kafka_consumer.h describes the series). Private to sqms_runtime; loop
// thread only (prometheus-cpp's gauges are themselves thread-safe).

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <utility>

#include "absl/status/statusor.h"
#include "prometheus/family.h"
#include "prometheus/gauge.h"
#include "prometheus/registry.h"
#include "sqms/runtime/kafka_consumer.h"

namespace sqms::runtime {

class ConsumerLag {
 public:
  // `start_at_end`: a partition with nothing committed starts at the end
  // (auto_offset_reset "latest").
  ConsumerLag(prometheus::Registry& registry, std::string group, bool start_at_end);

  // A newly assigned partition, starting at `start` as given to librdkafka:
  // an offset, kOffsetBeginning, kOffsetEnd, or any other negative value for
  // "the group's committed offset". Its series is created at 0.
  void Add(const TopicPartition& partition, int64_t start);
  // The group's committed offset of a partition Add()ed to start there;
  // negative when the group committed none.
  void Committed(const TopicPartition& partition, int64_t offset);
  // A record of the partition is done: `next` is the next offset to process.
  // Records of a partition are handled in order, so until the next one is
  // done — also while a record is in hand, or retried — `next` is the record
  // in hand. Ignored for a partition not assigned. Per record: the lookup of
  // the previous record's partition is reused (no allocation, no search).
  void Done(const std::string& topic, int32_t partition, int64_t next);
  // The partition was revoked: its series is removed.
  void Remove(const TopicPartition& partition);

  using Watermarks =
      std::function<absl::StatusOr<std::pair<int64_t, int64_t>>(const TopicPartition&)>;
  // Sets every partition's gauge to high watermark − next offset to process
  // (at least 0); a partition whose watermarks or position are not known
  // yet keeps its value.
  void Update(const Watermarks& watermarks);

 private:
  struct Partition {
    int64_t start = 0;
    int64_t next = -1;  // once known
    bool nothing_committed = false;
    prometheus::Gauge* gauge = nullptr;
  };

  const std::string group_;
  const bool start_at_end_;
  prometheus::Family<prometheus::Gauge>& family_;
  std::map<TopicPartition, Partition> partitions_;
  // The partition of the last Done (records come in runs per partition).
  std::map<TopicPartition, Partition>::iterator last_ = partitions_.end();
};

}  // namespace sqms::runtime
