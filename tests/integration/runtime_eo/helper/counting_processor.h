#pragma once
// The state of the exactly-once tests: one counter per record key in the
// hash `<prefix>:counts`, incremented through the checkpointing consumer.
// Used by the test itself and by the killable eo_counter process.

#include <atomic>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "sqms/runtime/checkpointing_consumer.h"

namespace sqms::testing {

class CountingProcessor : public runtime::CheckpointedProcessor {
 public:
  explicit CountingProcessor(std::string counts_key) : counts_key_(std::move(counts_key)) {}

  // Nothing to reload: every count lives in Redis, none only in memory.
  absl::Status OnAssigned(const std::vector<runtime::TopicPartition>&) override {
    ++assigns_;
    return absl::OkStatus();
  }
  absl::Status Process(const runtime::ConsumedRecord& record,
                       const absl::StatusOr<runtime::CloudEvent>& event) override {
    if (!event.ok()) return event.status();  // the tests only send CloudEvents
    ++pending_[record.key];
    ++processed_;
    return absl::OkStatus();
  }
  runtime::StateDelta TakeDelta() override {
    runtime::StateDelta delta;
    for (const auto& [key, n] : pending_) delta.push_back(runtime::RedisWrite::HIncrBy(counts_key_, key, n));
    pending_.clear();
    return delta;
  }
  void OnRevoked(const std::vector<runtime::TopicPartition>&) override { ++revokes_; }
  void OnFenced(const absl::Status&) override {
    pending_.clear();
    fenced_ = true;
  }

  // Readable from any thread.
  int assigns() const { return assigns_.load(); }
  int revokes() const { return revokes_.load(); }
  int64_t processed() const { return processed_.load(); }
  bool fenced() const { return fenced_.load(); }

 private:
  const std::string counts_key_;
  std::map<std::string, int64_t> pending_;  // loop thread only
  std::atomic<int> assigns_{0};
  std::atomic<int> revokes_{0};
  std::atomic<int64_t> processed_{0};
  std::atomic<bool> fenced_{false};
};

}  // namespace sqms::testing
