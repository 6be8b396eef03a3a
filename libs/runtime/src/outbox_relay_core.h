#pragma once
// The outbox relay's state and rounds (see outbox_relay.h). Relay thread
// only, except Inbox, which the producer's delivery callbacks fill. Private
// to sqms_runtime.

#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "outbox_shard_state.h"
#include "sqms/runtime/outbox_relay.h"

namespace sqms::runtime {

class OutboxRelay::Core {
 public:
  using Clock = std::chrono::steady_clock;

  Core(RedisClient& redis, const OutboxLease& lease, KafkaProducerFactory producers,
       OutboxRelayStats& stats, OutboxRelayOptions options,
       std::unique_ptr<KafkaProducer> producer);

  // Renews leases, applies delivery outcomes (deletes, dead letters),
  // finishes rewinds, reads and produces; true when a shard had a full
  // batch (more may be waiting).
  bool Round();
  // See OutboxRelay::Stop.
  void Shutdown(std::chrono::milliseconds flush);
  std::chrono::milliseconds idle_wait() const { return options_.idle_wait; }
  std::chrono::milliseconds linger() const { return options_.linger; }

 private:
  enum class Outcome { kDelivered, kFailed, kPermanent, kFatal, kDeadLettered, kDeadLetterFailed };
  struct Report {
    int shard;
    std::string entry_id;
    Outcome outcome;
    std::string error;      // the failure; for dead letters the original one
    std::string topic;      // dead letters: the original topic and key
    std::string key;
    uint64_t generation;    // of the producer that reported it
  };
  struct Inbox {
    absl::Mutex mu;
    std::vector<Report> reports ABSL_GUARDED_BY(mu);
  };

  void RenewLeases(Clock::time_point now);
  bool Pump();
  size_t Produce(int shard, const std::vector<RedisReply>& entries);
  void ApplyOutcomes();
  // Writes the entry (fields of a stream entry) to the dead-letter topic.
  void DeadLetter(int shard, const std::string& entry_id, const RedisReply& fields,
                  const std::string& error);
  void DeadLetterById(int shard, const std::string& entry_id, const std::string& error);
  // Deletes `confirmed` (delivered or dead-lettered entries, by shard) and
  // every entry whose delete failed before (Redis unreachable, a timeout):
  // those are retried every round until deleted or the shard's lease is
  // lost (its next owner sends them again).
  void DeleteConfirmed(const std::map<int, std::vector<std::string>>& confirmed);
  void RecreateProducer();
  void UpdateBacklog();
  KafkaRecord ToRecord(const RedisReply& fields) const;
  KafkaProducer::DeliveryCallback Callback(int shard, const std::string& entry_id,
                                           bool dead_letter, const std::string& original_error,
                                           const KafkaRecord* original);
  void Push(Report report);

  RedisClient& redis_;
  const OutboxLease& lease_;
  KafkaProducerFactory producers_;
  OutboxRelayStats& stats_;
  const OutboxRelayOptions options_;

  std::vector<OutboxShardKeys> keys_;
  std::vector<OutboxShardState> shards_;
  std::vector<Clock::time_point> renew_at_;
  std::unique_ptr<KafkaProducer> producer_;  // null after a failed recreation
  uint64_t generation_ = 1;
  bool fatal_ = false;                       // recreate the producer
  bool shutting_down_ = false;
  // Confirmed entries whose delete failed, by shard: deleted next round.
  std::map<int, std::vector<std::string>> undeleted_;
  bool deletes_failing_ = false;  // logged once per outage, not every round
  Clock::time_point recreate_at_{};
  Clock::time_point backlog_at_{};
  const std::shared_ptr<Inbox> inbox_ = std::make_shared<Inbox>();
};

}  // namespace sqms::runtime
