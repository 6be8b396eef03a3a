#pragma once
// A Kafka consumer loop with at-least-once semantics the caller controls:
// auto-commit is off, an offset is committed only after the handler returned
// OK for that record, and rebalance hooks let a service load its own state
// and seek to offsets it stored itself (the metrics service's exactly-once
// checkpoints). Poison records go to a dead-letter topic after N attempts.
//
// Metrics (when KafkaConsumerOptions::metrics is set), for every consumer
// built on the loop — the plain one and CheckpointingConsumer alike:
//   sqms_consumer_lag{group,topic,partition}
//       high watermark − the next offset to process, per assigned partition;
//       the series exists (at 0) from the assignment and is removed at
//       revoke. Updated on the loop thread every 500 ms, also while the
//       handler retries a record: a stalled partition shows as lag that
//       grows with every record produced. The next offset to process is the
//       record in hand, else the one after the last record done, else the
//       start on_assign gave, else the group's committed offset (read once
//       at assignment), else — nothing committed — the low watermark
//       (auto_offset_reset "earliest") or no lag ("latest", kOffsetEnd).
//   sqms_consumer_dead_lettered_total{group,topic}
//       records that failed max_attempts times and were written to
//       `<topic>.dlq`: the loop moved past them, unhandled. At 0 for every
//       subscribed topic from construction.
//   sqms_consumer_passed_over_total{group,topic}
//       records older than first_start_lookback that a partition's first
//       start passed over, unhandled (KafkaConsumerOptions). Only with a
//       first_start_lookback; then at 0 for every subscribed topic from
//       construction.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "sqms/runtime/kafka_producer.h"

namespace prometheus {
class Registry;
}  // namespace prometheus

namespace sqms::runtime {

struct TopicPartition {
  std::string topic;
  int32_t partition = 0;
  auto operator<=>(const TopicPartition&) const = default;
};

struct ConsumedRecord {
  std::string topic;
  int32_t partition = 0;
  int64_t offset = 0;
  std::string key;
  std::string value;
  KafkaHeaders headers;
  std::chrono::system_clock::time_point timestamp;
  // Value of header `name`, or nullopt.
  std::optional<std::string> Header(const std::string& name) const;
};

struct KafkaConsumerOptions {
  std::string brokers;
  std::string group_id;
  std::vector<std::string> topics;
  std::string client_id = "sqms";
  // Where to start when neither the group nor on_assign gives an offset.
  std::string auto_offset_reset = "earliest";  // or "latest"
  // Optional: how far back a partition's first start reads. For a
  // partition the group has never committed (a new group's first start, or
  // a partition added since) and that on_assign gives no start for, the
  // records whose Kafka timestamp is older than this at the assignment are
  // passed over — committed, never handed to the handler, counted in
  // sqms_consumer_passed_over_total and logged — up to the first younger
  // one; from there on every record is handled, whatever its timestamp. A
  // partition the group has committed is read on from there however old
  // its records are: a consumer back from an outage handles all it missed.
  // So that an empty partition counts as committed too, its start is
  // committed at the assignment. Records without a timestamp, and every
  // record when the group's offsets or the partition's watermarks cannot be
  // read at the assignment, are handled. A first start stopped before
  // anything was committed begins again at the next assignment, its
  // cut-off counted from then; so does one whose group's offsets the
  // brokers dropped (offsets.retention.minutes, 7 days by default, after
  // the group's last member left). nullopt: none is passed over. Ignored
  // without commit_offsets.
  std::optional<std::chrono::milliseconds> first_start_lookback;
  // false: offsets are never stored in or committed to Kafka; the caller
  // keeps them itself (CheckpointingConsumer) and on_assign should give every
  // partition's start, since nothing the group committed is current.
  bool commit_offsets = true;
  // Failed handler attempts before the record goes to the dead-letter topic
  // (`<topic>.dlq`) and is committed past. 0 = never dead-letter (retry).
  int max_attempts = 5;
  std::chrono::milliseconds retry_backoff{200};
  // Optional: handler errors it answers true for (e.g. IsTransientError: a
  // store outage) are retried without counting an attempt — after
  // retry_backoff, doubling to 5 s while they last — so they never
  // dead-letter a record: the partition waits and its lag shows the
  // outage. Each is also reported to on_error. Stop() ends a wait at once
  // (the record is not committed).
  std::function<bool(const absl::Status&)> is_transient;
  // Handled offsets are stored at once and committed asynchronously at most
  // this often (and synchronously on revoke and Stop()), so a crash
  // redelivers at most this much work.
  std::chrono::milliseconds commit_interval{100};
  // fetch.wait.max.ms is 100 (librdkafka: 500), so a broker that does not
  // long-poll holds a record at most that long before a consumer sees it.
  // Extra librdkafka properties (e.g. security.protocol); applied last, also
  // to the dead-letter producer.
  std::map<std::string, std::string> properties;
  // Where sqms_consumer_lag and sqms_consumer_dead_lettered_total are
  // registered (see the top of this file); null: neither is tracked. Must
  // outlive the loop.
  prometheus::Registry* metrics = nullptr;
};

// Logical offsets on_assign may return: the partition's first retained
// record, or the end (only records produced from now on).
inline constexpr int64_t kOffsetBeginning = -2;  // RD_KAFKA_OFFSET_BEGINNING
inline constexpr int64_t kOffsetEnd = -1;        // RD_KAFKA_OFFSET_END

struct KafkaConsumerHooks {
  // Runs with the newly assigned partitions before any record of them is
  // handled. Return the offset to start each at (the next offset to read, or
  // kOffsetBeginning / kOffsetEnd); partitions absent from the map start at
  // the group's committed offset (or auto_offset_reset). An error is retried every retry_backoff until it
  // succeeds or Stop(): no record of the partitions is handled meanwhile.
  std::function<absl::StatusOr<std::map<TopicPartition, int64_t>>(
      const std::vector<TopicPartition>&)>
      on_assign;
  // Runs before partitions are taken away (flush/checkpoint here).
  std::function<void(const std::vector<TopicPartition>&)> on_revoke;
  // Optional: consumer, commit and dead-letter errors, for logs and metrics
  // (the loop carries on). Runs on the loop thread.
  std::function<void(const absl::Status&)> on_error;
  // Optional: runs after every poll — at least every 100 ms while the loop
  // runs, also when no record arrives (time-based flushes, lag metrics).
  std::function<void()> on_tick;
  // Optional: runs, before on_tick, after a poll that found no record: the
  // consumer has caught up with what the brokers sent. Within 10 ms of the
  // last record of a burst, then about every 100 ms while nothing comes. A
  // batching consumer flushes here (CheckpointingConsumer's idle checkpoint).
  std::function<void()> on_idle;
  // Optional: runs once a record was acknowledged by the dead-letter topic,
  // before the loop moves past it (a caller keeping its own offsets counts
  // the record as done here).
  std::function<void(const ConsumedRecord&)> on_dead_lettered;
};

// UNAVAILABLE, DEADLINE_EXCEEDED, ABORTED or RESOURCE_EXHAUSTED: an error
// that may go away by itself (KafkaConsumerOptions::is_transient).
bool IsTransientError(const absl::Status& status);

class KafkaConsumerLoop {
 public:
  // Handler: OK = processed (commit); error = retry after retry_backoff (the
  // record is redelivered by seeking back), and after max_attempts failures
  // the record goes to `<topic>.dlq` with its headers plus `x-sqms-error`,
  // `x-sqms-source-topic`, `x-sqms-source-partition`, `x-sqms-source-offset`,
  // and is committed past once that write is acknowledged. The record is
  // valid for the call only: the loop reads the next one into the same
  // object (copy what must outlive the call).
  using Handler = std::function<absl::Status(const ConsumedRecord&)>;

  // INVALID_ARGUMENT naming the property when the configuration is rejected
  // (empty brokers, group_id or topics included). Does not subscribe yet.
  static absl::StatusOr<std::unique_ptr<KafkaConsumerLoop>> Create(KafkaConsumerOptions options,
                                                                   KafkaConsumerHooks hooks,
                                                                   Handler handler);
  ~KafkaConsumerLoop();  // Stop() + join

  // Subscribes and starts the polling thread; handler and hooks run on it.
  // Call at most once.
  void Start();
  // Finishes the record in hand, commits synchronously, leaves the group
  // (on_revoke runs). Returns within about the poll interval (100 ms) plus
  // the handler's time. Idempotent; any thread but the loop's.
  void Stop();
  // Asks the loop to stop after the record or hook in hand and returns at
  // once; the loop then leaves the group as in Stop(). Any thread, including
  // the loop's own (from the handler or a hook). Stop() still joins.
  void RequestStop();

  // Refreshes sqms_consumer_lag now (at most every 500 ms; nothing without
  // KafkaConsumerOptions::metrics), as the loop does after every poll. For a
  // hook that waits long on the loop thread (CheckpointingConsumer retrying
  // a checkpoint through a Redis outage): the lag keeps growing with what
  // the brokers hold instead of keeping its last value. Loop thread only
  // (the handler or a hook).
  void UpdateLag();

  // The partition's low and high watermark offsets as last seen by the
  // consumer (cached from fetches, no broker round trip; low is -1 while
  // unknown); UNAVAILABLE until the high watermark is known. Thread-safe.
  absl::StatusOr<std::pair<int64_t, int64_t>> Watermarks(const TopicPartition& partition) const;

 private:
  class Impl;
  explicit KafkaConsumerLoop(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace sqms::runtime
