#include "kafka_first_start.h"

#include <utility>

#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "sqms/runtime/log.h"

namespace sqms::runtime {

FirstStart::FirstStart(std::chrono::milliseconds lookback, prometheus::Registry* metrics,
                       std::string group, const std::vector<std::string>& topics)
    : lookback_(lookback), group_(std::move(group)) {
  if (metrics == nullptr) return;
  family_ = &prometheus::BuildCounter()
                 .Name("sqms_consumer_passed_over_total")
                 .Help(
                     "Records older than the first-start lookback that a partition's first "
                     "start (nothing committed by the group) passed over, unhandled")
                 .Register(*metrics);
  for (const auto& topic : topics) Counter(topic);
}

prometheus::Counter* FirstStart::Counter(const std::string& topic) {
  if (family_ == nullptr) return nullptr;
  return &family_->Add({{"group", group_}, {"topic", topic}});
}

void FirstStart::Begin(const TopicPartition& partition, std::chrono::system_clock::time_point now) {
  const auto cutoff = now - lookback_;
  partitions_[partition] = {cutoff, 0, Counter(partition.topic)};
  log::Info(
      "kafka consumer: partition never committed by the group; passing over its records "
      "older than the first-start lookback",
      {{"group", group_},
       {"topic", partition.topic},
       {"partition", partition.partition},
       {"older_than", absl::FormatTime(absl::FromChrono(cutoff), absl::UTCTimeZone())}});
}

bool FirstStart::PassOver(const ConsumedRecord& record) {
  if (partitions_.empty()) return false;
  auto it = partitions_.find({record.topic, record.partition});
  if (it == partitions_.end()) return false;
  const bool known = record.timestamp != std::chrono::system_clock::time_point();
  if (known && record.timestamp < it->second.cutoff) {
    ++it->second.passed_over;
    if (it->second.counter != nullptr) it->second.counter->Increment();
    return true;
  }
  log::Info("kafka consumer: first start caught up with the lookback; handling every record",
            {{"group", group_},
             {"topic", record.topic},
             {"partition", record.partition},
             {"passed_over", it->second.passed_over},
             {"from_offset", record.offset}});
  partitions_.erase(it);
  return false;
}

void FirstStart::End(const TopicPartition& partition) { partitions_.erase(partition); }

}  // namespace sqms::runtime
