#include "kafka_consumer_lag.h"

#include <algorithm>
#include <optional>

namespace sqms::runtime {

ConsumerLag::ConsumerLag(prometheus::Registry& registry, std::string group, bool start_at_end)
    : group_(std::move(group)),
      start_at_end_(start_at_end),
      family_(prometheus::BuildGauge()
                  .Name("sqms_consumer_lag")
                  .Help("High watermark minus the next offset to process, per assigned partition")
                  .Register(registry)) {}

void ConsumerLag::Add(const TopicPartition& partition, int64_t start) {
  Partition& p = partitions_[partition];
  if (p.gauge == nullptr) {
    p.gauge = &family_.Add({{"group", group_},
                            {"topic", partition.topic},
                            {"partition", std::to_string(partition.partition)}});
  }
  p.start = start;
  p.next = start >= 0 ? start : -1;
  p.nothing_committed = false;
}

void ConsumerLag::Committed(const TopicPartition& partition, int64_t offset) {
  auto it = partitions_.find(partition);
  if (it == partitions_.end() || it->second.next >= 0) return;
  if (offset >= 0) {
    it->second.next = offset;
  } else {
    it->second.nothing_committed = true;
  }
}

void ConsumerLag::Done(const std::string& topic, int32_t partition, int64_t next) {
  if (last_ == partitions_.end() || last_->first.partition != partition ||
      last_->first.topic != topic) {
    last_ = partitions_.find(TopicPartition{topic, partition});
    if (last_ == partitions_.end()) return;
  }
  last_->second.next = next;
}

void ConsumerLag::Remove(const TopicPartition& partition) {
  auto it = partitions_.find(partition);
  if (it == partitions_.end()) return;
  family_.Remove(it->second.gauge);
  if (last_ == it) last_ = partitions_.end();
  partitions_.erase(it);
}

void ConsumerLag::Update(const Watermarks& watermarks) {
  for (auto& [tp, p] : partitions_) {
    auto marks = watermarks(tp);
    if (!marks.ok()) continue;
    const auto [low, high] = *marks;
    // Where the partition starts when no record of it came yet.
    const bool from_end = p.start == kOffsetEnd || (p.nothing_committed && start_at_end_);
    const bool from_beginning =
        p.start == kOffsetBeginning || (p.nothing_committed && !start_at_end_);
    std::optional<int64_t> position;
    if (p.next >= 0) {
      position = p.next;
    } else if (from_end) {
      position = high;
    } else if (from_beginning && low >= 0) {
      position = low;
    }
    if (!position.has_value()) continue;
    p.gauge->Set(static_cast<double>(std::max<int64_t>(0, high - *position)));
  }
}

}  // namespace sqms::runtime
