#pragma once
// Which records a partition's first start passes over
// (KafkaConsumerOptions::first_start_lookback): the records of a partition
// the group never committed that are older than the lookback at its
// assignment, up to the first younger one. Counts them in
// sqms_consumer_passed_over_total{group,topic} and logs, per partition, the
// first start's begin and end. Private to sqms_runtime; the loop thread only.
// Pure but for the counter and the log: the caller passes the clock.

#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "prometheus/counter.h"
#include "prometheus/family.h"
#include "prometheus/registry.h"
#include "sqms/runtime/kafka_consumer.h"

namespace sqms::runtime {

class FirstStart {
 public:
  // `metrics` may be null (nothing counted); otherwise the counter of every
  // topic in `topics` exists at 0 from here.
  FirstStart(std::chrono::milliseconds lookback, prometheus::Registry* metrics, std::string group,
             const std::vector<std::string>& topics);

  // `partition`, just assigned, was never committed by the group: its
  // records older than `now` − lookback are passed over from here.
  void Begin(const TopicPartition& partition, std::chrono::system_clock::time_point now);
  // Whether `record` is passed over (then counted). The first record of a
  // partition in its first start that is not older than the cut-off ends
  // that first start: it and every later record are handled. A record
  // without a timestamp (the epoch) is handled and ends it too.
  bool PassOver(const ConsumedRecord& record);
  // The partition was revoked: a first start in course is forgotten (its
  // next owner reads on from what was committed).
  void End(const TopicPartition& partition);
  // Partitions in their first start.
  size_t active() const { return partitions_.size(); }

 private:
  struct Partition {
    std::chrono::system_clock::time_point cutoff;
    int64_t passed_over = 0;
    prometheus::Counter* counter = nullptr;  // its topic's; null without metrics
  };
  prometheus::Counter* Counter(const std::string& topic);

  const std::chrono::milliseconds lookback_;
  const std::string group_;
  prometheus::Family<prometheus::Counter>* family_ = nullptr;
  std::map<TopicPartition, Partition> partitions_;
};

}  // namespace sqms::runtime
