#pragma once
// Moves committed events from the Redis outbox streams to Kafka
// (architecture.md: transactional outbox). Per shard, entries are produced
// in stream order with the idempotent producer keyed by complaint/contact
// id, so each key's events reach its partition in commit order; an entry is
// deleted from the stream only after Kafka confirmed it (acks=all). While
// Kafka is down entries stay in Redis and intake goes on; after a crash the
// unconfirmed ones are sent again (same event id: consumers dedupe).
//
// Several replicas may run a relay: a lease per shard (Redis, TTL) makes one
// of them its only sender.
//
// Threading: one relay thread; Notify() and Stop() from any thread. Delivery
// callbacks (the producer's poll thread, or its flush and destructor) touch
// only state they share with the relay, so the producer may outlive the
// relay and report deliveries after it is gone.

#include <deque>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "services/complaints/adapters/redis_keys.h"
#include "services/complaints/adapters/service_stats.h"
#include "sqms/runtime/kafka_producer.h"
#include "sqms/runtime/redis_client.h"

namespace sqms::complaints::adapters {

struct OutboxRelayOptions {
  std::string owner;                            // this replica, e.g. host-pid
  std::string source = "//sqms/complaints";     // CloudEvents source
  absl::Duration lease_ttl = absl::Seconds(10);
  int batch = 500;                              // entries read per shard and round
  int max_in_flight = 20000;                    // per shard, unconfirmed
  absl::Duration idle_wait = absl::Milliseconds(20);
  // After a commit's wake-up, how long to let further commits gather before
  // reading: fewer, fuller reads (a little added event latency).
  absl::Duration linger = absl::Milliseconds(2);
};

class OutboxRelay {
 public:
  OutboxRelay(runtime::RedisClient& redis, const RedisKeys& keys, runtime::KafkaProducer& producer,
              ServiceStats& stats, OutboxRelayOptions options);
  ~OutboxRelay();  // Stop(absl::Seconds(5)) if still running

  void Start();
  // A commit happened: look at the outbox now rather than after idle_wait.
  void Notify();
  // Stops reading, waits up to `flush` for deliveries in flight, deletes
  // what Kafka confirmed. Idempotent.
  void Stop(absl::Duration flush);

 private:
  struct Shard {
    bool leased = false;
    absl::Time lease_checked = absl::InfinitePast();
    std::string cursor = "-";  // last entry id handed to the producer
    int in_flight = 0;         // relay thread only; decremented via confirmations
  };
  struct Confirmation {
    int shard;
    std::string entry_id;
    bool ok;
  };
  // Where delivery callbacks put their outcome. Each callback holds a
  // reference: the producer reports (purged) records from its destructor,
  // after the relay is destroyed when the relay has no time left to wait.
  struct Inbox {
    absl::Mutex mu;
    std::deque<Confirmation> confirmations ABSL_GUARDED_BY(mu);
  };

  void Loop();
  // Reads every leased shard in one pipeline and produces what it found;
  // true when a shard had a full batch (more may be waiting).
  bool PumpAll();
  // Hands a shard's entries to the producer, in order; returns how many.
  size_t Produce(int shard, const std::vector<runtime::RedisReply>& entries);
  void RenewLease(int shard);
  void ApplyConfirmations();
  void UpdateGauges();

  runtime::RedisClient& redis_;
  const RedisKeys& keys_;
  runtime::KafkaProducer& producer_;
  ServiceStats& stats_;
  OutboxRelayOptions options_;

  std::vector<Shard> shards_;  // relay thread only
  absl::Time gauges_updated_ = absl::InfinitePast();

  const std::shared_ptr<Inbox> inbox_ = std::make_shared<Inbox>();
  absl::Mutex mu_;
  bool notified_ ABSL_GUARDED_BY(mu_) = false;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::thread thread_;
};

}  // namespace sqms::complaints::adapters
