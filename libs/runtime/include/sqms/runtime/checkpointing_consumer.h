#pragma once
// The exactly-once consumer: a service counts records into memory, and this
// component periodically writes the service's state delta together with the
// offsets of exactly the records it covers in ONE atomic Redis script
// (RedisCheckpointStore). Offsets live in Redis, not in Kafka: after a crash
// or a rebalance the partition's next owner starts at the stored offset with
// the stored state, so every record's effect is in Redis exactly once.
//
// Built on KafkaConsumerLoop (same librdkafka configuration, rebalance
// handling, retries and dead-letter topic) with Kafka commits switched off.
//
// Lifecycle on the loop thread (the only thread that calls the processor):
//   assign   Claim (epoch+1 per partition, stored offset, dedup window) →
//            processor.OnAssigned → each partition starts at its stored
//            offset, or — never checkpointed — at its beginning
//            (auto_offset_reset must be "earliest"); never at an offset
//            the group committed. ("latest" is refused: the end at an
//            assignment is not stored until a record is checkpointed, so
//            an owner that died before its first checkpoint would leave
//            the next owner a later end, and the records between unread.)
//            Redis or OnAssigned failing: retried every retry_backoff, no
//            record of the partitions is processed meanwhile.
//   record   duplicate event id (see dedup below) → skipped; otherwise
//            processor.Process. Error → the loop retries it, and after
//            max_attempts sends it to `<topic>.dlq` (then it counts as done).
//   checkpoint  every checkpoint_every records or checkpoint_interval after
//            the first unwritten one; when caught up with the brokers, once
//            checkpoint_idle_interval has passed since the previous one (if
//            set); on revoke, and on Stop():
//            processor.TakeDelta() + the offsets/ids of every partition that
//            advanced, in one script. One checkpoint is in flight at a time:
//            records go on being processed while Redis runs its script, and
//            the next checkpoint is taken (TakeDelta) only once that one is
//            answered, so deltas apply in order and each continues the
//            offsets the previous one stored; processor.OnCheckpointWritten
//            runs when the answer is seen (at the latest at the next
//            checkpoint; revoke and Stop wait for it). Redis unreachable or
//            no answer in time → the same checkpoint is retried every
//            retry_backoff (the script recognises a retry of a write that did
//            land); from that failed answer on no record is processed until
//            it is written (records read while the first attempt was in
//            flight are only in memory), so no offset moves past unwritten
//            state. On Stop the retries end
//            after stop_timeout: what was not written is redelivered to the
//            next owner. Fenced (another owner claimed a partition since) or
//            refused → nothing is written, the delta is dropped, the
//            `fenced` counter and an error log report it, processor.OnFenced
//            runs and the consumer stops (status() says why): a fenced
//            consumer must not go on.
//   revoke   final checkpoint as above, then processor.OnRevoked.
//
// Dedup: a record whose ce_id equals one of the last `dedup_window` ids
// processed on the SAME partition is skipped (offset advances, state does
// not). The window is persisted with every checkpoint and reloaded on assign,
// so it holds across crashes, restarts and rebalances. Duplicates further
// apart, on other partitions, or without a parseable ce_id are processed.
//
// Metrics (label `group`; all created at 0 at start, lag when assigned):
//   sqms_consumer_records_total{group,topic,outcome=processed|duplicate|dead_lettered}
//   sqms_consumer_checkpoints_total{group,outcome=written|fenced|failed}
//   sqms_consumer_checkpoint_duration_seconds{group}   (histogram, per write)
//   sqms_consumer_checkpoint_age_seconds{group}        (since the last written, while
//                                                       records wait; 0 when none wait)
//   sqms_consumer_lag{group,topic,partition}           (high watermark − next;
//                                                       KafkaConsumerLoop's, kafka_consumer.h)
// The age and the lag are updated every 500 ms, also while a checkpoint is
// retried through a Redis outage (the loop thread waits for it then).

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "sqms/runtime/checkpoint_store.h"
#include "sqms/runtime/kafka_consumer.h"
#include "sqms/runtime/kafka_producer.h"
#include "sqms/runtime/redis_client.h"

namespace prometheus { class Registry; }

namespace sqms::runtime {

// Implemented by the service. Every method runs on the consumer's loop
// thread, one at a time.
class CheckpointedProcessor {
 public:
  virtual ~CheckpointedProcessor() = default;

  // `partitions` are now this consumer's, their previous owners fenced, and
  // nothing of them is pending: (re)load whatever the service keeps in
  // memory for them from Redis. An error is retried.
  virtual absl::Status OnAssigned(const std::vector<TopicPartition>& partitions) = 0;

  // Applies one record to the in-memory state. `event` is its parsed
  // CloudEvents headers, or why they did not parse. Both are valid for the
  // call only: the consumer reads the next record into the same objects. An error must leave the
  // state as if Process had not been called: the record comes again.
  virtual absl::Status Process(const ConsumedRecord& record,
                               const absl::StatusOr<CloudEvent>& event) = 0;

  // The Redis writes that apply every record processed since the last call,
  // and forget them: from here on they belong to the checkpoint (written,
  // or dropped when fenced). Keys must share the store's hash tag.
  virtual StateDelta TakeDelta() = 0;

  // The delta of the last TakeDelta is in Redis (with its offsets). Side
  // effects that must happen once per record — e.g. Prometheus counters —
  // belong here, not in TakeDelta: a delta that is never written (fenced,
  // given up at stop) is processed again by the partition's next owner.
  virtual void OnCheckpointWritten() {}

  // After the final checkpoint of `partitions` (written or given up): drop
  // what is cached for them; another consumer may own them now.
  virtual void OnRevoked(const std::vector<TopicPartition>& /*partitions*/) {}

  // The consumer was fenced or hit a fatal error and stops; the in-memory
  // state is no longer backed by Redis: discard it.
  virtual void OnFenced(const absl::Status& /*why*/) {}
};

struct CheckpointingConsumerOptions {
  // brokers, group_id, topics, client_id, auto_offset_reset ("earliest":
  // see the lifecycle above), max_attempts, retry_backoff (also
  // between Redis retries), properties. commit_offsets is forced off.
  KafkaConsumerOptions kafka;
  std::string key_prefix;   // see checkpoint_store.h, e.g. "{sqms:metrics}"
  std::string instance_id;  // recorded as the partitions' owner (diagnostics)
  int checkpoint_every = 1000;                           // records; 0 = off
  std::chrono::milliseconds checkpoint_interval{1000};   // 0 = off
  // Also checkpoint once the consumer has caught up (a poll found no
  // record) and this long has passed since the previous checkpoint: a quiet
  // stream's records reach Redis within a poll, not checkpoint_interval
  // later (checkpoint_policy.h). 0 = off.
  std::chrono::milliseconds checkpoint_idle_interval{0};
  size_t dedup_window = 1024;                            // ids per partition, 0..kMaxDedupWindow
  std::chrono::milliseconds stop_timeout{10000};         // final checkpoint's retries
  prometheus::Registry* metrics = nullptr;               // null: not exported
};

class CheckpointingConsumer {
 public:
  // The largest dedup_window: the ids pass through Lua's unpack().
  static constexpr size_t kMaxDedupWindow = 4096;

  // Borrows `redis` and `processor`, which must outlive the consumer.
  // INVALID_ARGUMENT naming the option when the configuration is rejected.
  static absl::StatusOr<std::unique_ptr<CheckpointingConsumer>> Create(
      CheckpointingConsumerOptions options, RedisClient& redis,
      CheckpointedProcessor& processor);
  ~CheckpointingConsumer();  // Stop()

  // Subscribes and starts the loop thread. At most once.
  void Start();
  // Stops consuming, writes the final checkpoint (retrying up to
  // stop_timeout), leaves the group, joins the thread. Idempotent; any
  // thread except the loop's.
  void Stop();
  // OK while running or after a clean Stop; ABORTED once fenced, or the
  // error that stopped the consumer. Turns non-OK only after the `fenced`
  // counter and processor.OnFenced have run. Thread-safe.
  absl::Status status() const;

 private:
  class Impl;
  explicit CheckpointingConsumer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace sqms::runtime
