#include "checkpointing_consumer_metrics.h"

#include <utility>

#include "sqms/runtime/metrics.h"

namespace sqms::runtime {
namespace {

const char* Name(CheckpointingConsumerMetrics::Record outcome) {
  switch (outcome) {
    case CheckpointingConsumerMetrics::Record::kProcessed:
      return "processed";
    case CheckpointingConsumerMetrics::Record::kDuplicate:
      return "duplicate";
    case CheckpointingConsumerMetrics::Record::kDeadLettered:
      return "dead_lettered";
  }
  return "unknown";
}

const char* Name(CheckpointingConsumerMetrics::Checkpoint outcome) {
  switch (outcome) {
    case CheckpointingConsumerMetrics::Checkpoint::kWritten:
      return "written";
    case CheckpointingConsumerMetrics::Checkpoint::kFenced:
      return "fenced";
    case CheckpointingConsumerMetrics::Checkpoint::kFailed:
      return "failed";
  }
  return "unknown";
}

}  // namespace

CheckpointingConsumerMetrics::CheckpointingConsumerMetrics(prometheus::Registry* registry,
                                                           const std::string& group,
                                                           const std::vector<std::string>& topics)
    : group_(group),
      records_(prometheus::BuildCounter()
                   .Name("sqms_consumer_records_total")
                   .Help("Records of an exactly-once consumer by outcome")
                   .Register(RegistryOr(registry, own_registry_))),
      checkpoints_(prometheus::BuildCounter()
                       .Name("sqms_consumer_checkpoints_total")
                       .Help("Checkpoint writes (state delta + offsets) by outcome")
                       .Register(RegistryOr(registry, own_registry_))),
      duration_(prometheus::BuildHistogram()
                    .Name("sqms_consumer_checkpoint_duration_seconds")
                    .Help("Duration of one checkpoint write")
                    .Register(RegistryOr(registry, own_registry_))
                    .Add({{"group", group}}, LatencyBuckets())),
      age_(prometheus::BuildGauge()
               .Name("sqms_consumer_checkpoint_age_seconds")
               .Help("Seconds since the last checkpoint while records wait for the next; 0 when none")
               .Register(RegistryOr(registry, own_registry_))
               .Add({{"group", group}})) {
  for (const auto& topic : topics) {
    for (Record outcome : {Record::kProcessed, Record::kDuplicate, Record::kDeadLettered}) {
      record_counters_[{topic, outcome}] =
          &records_.Add({{"group", group}, {"topic", topic}, {"outcome", Name(outcome)}});
    }
  }
  for (Checkpoint outcome : {Checkpoint::kWritten, Checkpoint::kFenced, Checkpoint::kFailed}) {
    checkpoint_counters_[outcome] = &checkpoints_.Add({{"group", group}, {"outcome", Name(outcome)}});
  }
}

void CheckpointingConsumerMetrics::CountRecord(const std::string& topic, Record outcome) {
  auto it = record_counters_.find({topic, outcome});
  if (it == record_counters_.end()) {  // a topic subscribed by pattern
    it = record_counters_
             .emplace(std::pair{topic, outcome},
                      &records_.Add({{"group", group_}, {"topic", topic}, {"outcome", Name(outcome)}}))
             .first;
  }
  it->second->Increment();
}

void CheckpointingConsumerMetrics::CountCheckpoint(
    Checkpoint outcome, std::optional<std::chrono::nanoseconds> duration) {
  checkpoint_counters_.at(outcome)->Increment();
  if (duration.has_value()) duration_.Observe(std::chrono::duration<double>(*duration).count());
}

void CheckpointingConsumerMetrics::SetCheckpointAge(std::chrono::nanoseconds age) {
  age_.Set(std::chrono::duration<double>(age).count());
}

}  // namespace sqms::runtime
