#pragma once
// The exactly-once consumer's Prometheus series (names in
// checkpointing_consumer.h; its lag is KafkaConsumerLoop's). Private to
// sqms_runtime; loop thread only,
// except that prometheus-cpp's metrics are themselves thread-safe.

#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "prometheus/counter.h"
#include "prometheus/family.h"
#include "prometheus/gauge.h"
#include "prometheus/histogram.h"
#include "prometheus/registry.h"
#include "sqms/runtime/kafka_consumer.h"

namespace sqms::runtime {

class CheckpointingConsumerMetrics {
 public:
  enum class Record { kProcessed, kDuplicate, kDeadLettered };
  enum class Checkpoint { kWritten, kFenced, kFailed };

  // Uses `registry`, or a private one when null. Creates every series whose
  // labels are known now at 0.
  CheckpointingConsumerMetrics(prometheus::Registry* registry, const std::string& group,
                               const std::vector<std::string>& topics);

  void CountRecord(const std::string& topic, Record outcome);
  // `duration`: of the write; none for a checkpoint that was never sent.
  void CountCheckpoint(Checkpoint outcome, std::optional<std::chrono::nanoseconds> duration);
  void SetCheckpointAge(std::chrono::nanoseconds age);

 private:
  std::shared_ptr<prometheus::Registry> own_registry_;  // when none was given
  const std::string group_;
  prometheus::Family<prometheus::Counter>& records_;
  prometheus::Family<prometheus::Counter>& checkpoints_;
  std::map<std::pair<std::string, Record>, prometheus::Counter*> record_counters_;
  std::map<Checkpoint, prometheus::Counter*> checkpoint_counters_;
  prometheus::Histogram& duration_;
  prometheus::Gauge& age_;
};

}  // namespace sqms::runtime
