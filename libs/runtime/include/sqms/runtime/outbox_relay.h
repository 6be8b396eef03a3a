#pragma once
// Transactional outbox relay (architecture.md): moves events a service
// committed to Redis outbox streams — one per shard, entries with the fields
// topic, key, id, type, time (ms since the epoch), payload and optionally
// traceparent and tracestate (W3C trace context of the request that caused
// the event; "" or absent = none) — to Kafka as CloudEvents (binary mode,
// ce_id = the entry's id field, ce_traceparent/ce_tracestate when set).
//
// Guarantees
//  - At least once: an entry is deleted from its stream only after Kafka
//    confirmed it (idempotent producer, acks=all) or after it was written to
//    the dead-letter topic. While Kafka is down entries wait in Redis.
//    A delete that fails (Redis unreachable, a timeout) is retried every
//    round until it succeeds or the shard's lease is lost, so a delivered
//    entry does not stay in the stream (and in the backlog gauges).
//  - Order per key: per shard, entries are handed to the producer in stream
//    order, and the producer keeps them in order per partition (idempotence,
//    infinite delivery timeout: transient errors are retried inside
//    librdkafka, in order). Any failure that does surface (a purge, a fatal
//    producer error, a lost lease) stops the shard: nothing more is sent
//    until every record already handed over has an outcome, then sending
//    resumes from the first entry not yet confirmed. So no later event of a
//    key is ever sent while an earlier one of that shard is unconfirmed and
//    not in flight ahead of it.
//  - One sender per shard: a lease with a fencing token (outbox_lease.h).
//    The lease is renewed every ttl/3 and counted valid for ttl minus a
//    tenth from the moment its request was sent, on std::chrono::
//    steady_clock; past that the relay hands nothing more to the producer
//    for the shard — before Redis lets anyone else take it. Its deletions
//    are fenced: once another owner took the shard they are refused.
//  - Never gives up silently: an entry whose record can never be delivered
//    (ClassifyKafkaError: kPermanent — too large, invalid record, unknown
//    topic after librdkafka's metadata wait, not authorised) is written to
//    `dead_letter_topic` with its key, its headers and its payload (cut to
//    dead_letter_max_payload when longer, so a too-large one fits), plus
//    headers x-sqms-error, x-sqms-topic, x-sqms-key, x-sqms-outbox-entry
//    (stream entry id) and, if cut, x-sqms-payload-size; one log line,
//    stats.DeadLettered(), and only then deleted. Entries behind it go on.
//    A fatal producer error (rd_kafka_fatal_error) destroys the producer,
//    makes a new one with the factory and resends from the first
//    unconfirmed entry.
//
// What remains (consumers deduplicate by ce_id):
//  - Duplicates: an entry confirmed by Kafka but not yet deleted when the
//    relay stopped, crashed, lost its lease or rewound is sent again, as is
//    a record a stale owner's producer still delivers after a takeover.
//    The first occurrence of each key's events in a partition stays in
//    commit order: the old and the new owner each send in order.
//  - A permanently failed entry is absent from its topic (it is in the
//    dead-letter topic); later events of its key are not held back.
//  - A dead-letter write that itself fails is retried (the entry is sent
//    again from its place, after retry_backoff), never dropped.
//
// Threading: Start() starts one relay thread, which does all Redis and
// producer calls. Notify() and Stop() from any thread. Delivery callbacks
// run on the producer's thread and only queue outcomes; the relay owns its
// producer and destroys it in Stop(), so no callback outlives the relay.

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "sqms/runtime/kafka_producer.h"
#include "sqms/runtime/outbox_lease.h"
#include "sqms/runtime/redis_client.h"

namespace sqms::runtime {

// The relay's metrics, implemented by the service (its series names; every
// series should exist at 0 from start-up). Called on the relay thread.
class OutboxRelayStats {
 public:
  virtual ~OutboxRelayStats() = default;
  virtual void Delivered(int64_t records) = 0;        // confirmed by Kafka
  virtual void DeliveryFailed(int64_t records) = 0;   // not confirmed; sent again
  virtual void DeadLettered(int64_t records) = 0;     // written to the dead-letter topic
  virtual void ProducerRecreated() = 0;               // after a fatal producer error
  // Entries in every outbox stream, and the age of the oldest (0 if none);
  // about once a second.
  virtual void Backlog(int64_t depth, double oldest_age_seconds) = 0;
};

struct OutboxRelayOptions {
  int shards = 1;
  std::function<OutboxShardKeys(int shard)> shard_keys;
  std::string owner;            // unique per process; empty: UniqueOwnerId("relay")
  std::string source;           // CloudEvents ce_source, e.g. "//sqms/complaints"
  std::string dead_letter_topic;
  size_t dead_letter_max_payload = 64 * 1024;
  std::chrono::milliseconds lease_ttl{10000};
  int batch = 500;              // entries read per shard and round
  int max_in_flight = 20000;    // per shard, without an outcome
  std::chrono::milliseconds idle_wait{20};
  // After a commit's wake-up, how long to let further commits gather.
  std::chrono::milliseconds linger{2};
  std::chrono::milliseconds retry_backoff{200};  // before resending after a failure
};

using KafkaProducerFactory = std::function<absl::StatusOr<std::unique_ptr<KafkaProducer>>()>;

class OutboxRelay {
 public:
  // Makes the first producer (its error, e.g. a bad property, is returned);
  // INVALID_ARGUMENT for options without shards, keys or dead-letter topic.
  // `redis` and `stats` must outlive the relay.
  static absl::StatusOr<std::unique_ptr<OutboxRelay>> Create(RedisClient& redis,
                                                             KafkaProducerFactory producers,
                                                             OutboxRelayStats& stats,
                                                             OutboxRelayOptions options);
  ~OutboxRelay();  // Stop(5 s) if still running

  void Start();
  // A commit happened: look at the outbox now rather than after idle_wait.
  void Notify();
  // Stops reading, waits up to `flush` for deliveries in flight, destroys
  // the producer (which waits up to 5 s more, then purges), deletes what
  // Kafka confirmed and releases the leases of drained shards. The rest
  // waits in Redis. Idempotent.
  void Stop(std::chrono::milliseconds flush);

  const std::string& owner() const { return lease_.owner(); }

 private:
  class Core;
  OutboxRelay(RedisClient& redis, KafkaProducerFactory producers, OutboxRelayStats& stats,
              OutboxRelayOptions options, std::unique_ptr<KafkaProducer> producer);
  void Loop();

  OutboxLease lease_;
  std::unique_ptr<Core> core_;  // relay thread (and Stop() after the join)
  absl::Mutex mu_;
  bool notified_ ABSL_GUARDED_BY(mu_) = false;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::thread thread_;
};

}  // namespace sqms::runtime
