#pragma once
// The Redis side of the exactly-once consumer: a service's state delta and
// the offsets of the records it covers, written in one Lua script, with a
// per-partition epoch that fences a consumer which lost the partition.
//
// Key schema (all under `key_prefix`; give it a hash tag, e.g.
// "{sqms:metrics}", and put the service's own state keys under the same tag,
// so that on Redis Cluster every key of one script lives in one slot):
//   <prefix>:checkpoints             hash: o:<topic>:<partition> next offset,
//                                          e:<topic>:<partition> epoch,
//                                          w:<topic>:<partition> owner
//   <prefix>:ids:<topic>:<partition> list: the partition's dedup window,
//                                          oldest first, at most K ids

#include <cstddef>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "sqms/runtime/kafka_consumer.h"
#include "sqms/runtime/redis_client.h"

namespace sqms::runtime {

// One Redis write of a state delta: `command key args...`. Only commands
// that write one key and whose effect does not depend on when the script
// runs are allowed: HINCRBY HINCRBYFLOAT HSET HDEL INCRBY INCRBYFLOAT SET
// DEL SADD SREM ZADD ZINCRBY ZREM RPUSH LTRIM, and EXPIREAT (an absolute
// time: retention of a state key).
//
// One extension: `HINCRBY key field by [field by ...]` increments several
// fields of its key (a field may repeat; its increments add up). Build it
// with HIncrBy(key) and Increment; a delta of many counters is cheapest as
// one such write per key (checkpoint_delta.h: how the script applies them).
//
// Another: `HADDVECTOR key field delta [field delta ...]` adds a vector of
// int64 counters to each field, element by element — many counters of one
// cell in one hash field, for a fraction of the Redis CPU of a field each
// (docs/benchmarks.md). Build it with HAddVector(key) and AddVector. The
// field holds its vector as little-endian int64s, 8 bytes each (read it
// with DecodeVector); a missing field is the empty vector, and a shorter
// vector counts as padded with zeros; the sum is stored without trailing
// zeros (all zero: the empty string). Exact over the whole int64 range: a
// sum beyond it fails the script as HINCRBY's overflow does (INTERNAL).
// A field appears once per write; a field holds vectors or integers, never
// both: the script knows a vector by its length only (a value that is not
// a whole number of 8 bytes fails it; an integer written as 8 or 16
// digits would be read as a vector).
struct RedisWrite {
  std::string command;
  std::string key;
  std::vector<std::string> args;

  static RedisWrite HIncrBy(std::string key, std::string field, int64_t by);
  static RedisWrite HIncrBy(std::string key);  // no field yet: see Increment
  // Adds `field by` to this HINCRBY.
  RedisWrite& Increment(std::string field, int64_t by);
  static RedisWrite HSet(std::string key, std::string field, std::string value);
  static RedisWrite Set(std::string key, std::string value);
  static RedisWrite Del(std::string key);
  static RedisWrite ExpireAt(std::string key, int64_t unix_seconds);
  static RedisWrite HAddVector(std::string key);  // no field yet: see AddVector
  // Adds `values` (element i to element i of the field's vector; at most
  // kMaxVectorLength) to this HADDVECTOR; only the non-zero ones travel.
  RedisWrite& AddVector(std::string field, std::span<const int64_t> values);
  RedisWrite& AddVector(std::string field, std::initializer_list<int64_t> values) {
    return AddVector(std::move(field), std::span<const int64_t>(values.begin(), values.size()));
  }
};
using StateDelta = std::vector<RedisWrite>;

inline constexpr size_t kMaxVectorLength = 1024;

// A field written by HADDVECTOR, as its int64s; nullopt when `stored` is
// not a whole number of 8-byte values.
std::optional<std::vector<int64_t>> DecodeVector(std::string_view stored);

// What the checkpoint script does with one field's HADDVECTOR delta (an
// args value of AddVector), in memory: for fakes and tests of a service's
// deltas. `into` grows as needed (trailing zeros are kept). INVALID_ARGUMENT
// for a malformed delta, OUT_OF_RANGE for a sum beyond int64 (`into`
// unchanged in both cases).
absl::Status AddVectorDelta(std::string_view delta, std::vector<int64_t>& into);

// What a checkpoint says about one partition.
struct PartitionCheckpoint {
  TopicPartition partition;
  int64_t epoch = 0;                   // from Claim
  std::optional<int64_t> base_offset;  // the stored offset it continues (nullopt: none)
  int64_t next_offset = 0;             // the next offset to read after this write
  std::vector<std::string> new_event_ids;  // accepted since base_offset, oldest first
};

struct Checkpoint {
  std::vector<PartitionCheckpoint> partitions;  // at least one
  StateDelta writes;
};

// A partition as Claim found it.
struct ClaimedPartition {
  TopicPartition partition;
  int64_t epoch = 0;                   // this owner's; later writes must carry it
  std::optional<int64_t> next_offset;  // nullopt: never checkpointed
  std::vector<std::string> event_ids;  // the persisted dedup window, oldest first
};

// A Checkpoint encoded for the write script (RedisCheckpointStore::Encode):
// sent once, and again as it is to retry an unknown outcome.
struct EncodedCheckpoint {
  std::vector<std::string> keys;
  std::vector<std::string> args;
};

// Thread-safe (RedisClient is); blocking (except WriteAsync): call from any
// thread except the RedisClient's I/O thread. Borrows `redis`, which must
// outlive it.
class RedisCheckpointStore {
 public:
  // dedup_window: ids kept per partition (0: none are stored or loaded).
  RedisCheckpointStore(RedisClient& redis, std::string key_prefix, size_t dedup_window);

  // Takes over `partitions` for `owner`: increments each one's epoch (so any
  // earlier owner's next Write is refused), records the owner and returns
  // the stored offset and dedup window, all in one script. Same order as
  // `partitions`. UNAVAILABLE / DEADLINE_EXCEEDED when Redis is unreachable
  // or slow (the epochs may or may not have moved; claiming again is
  // harmless); INTERNAL for a Redis
  // error reply.
  absl::StatusOr<std::vector<ClaimedPartition>> Claim(const std::vector<TopicPartition>& partitions,
                                                      const std::string& owner);

  // In one script: checks every partition first — its stored epoch equals
  // the checkpoint's and its stored offset equals base_offset — then applies
  // `writes` (to the state they would leave applied in order: a key's
  // HINCRBYs go as one group, checkpoint_delta.h), stores each next_offset
  // and appends the new event ids to the window (trimmed to the newest
  // dedup_window). Returns
  //   OK                  written; also when this same checkpoint had already
  //                       been written (a retry after an unknown outcome
  //                       finds every offset at next_offset and writes
  //                       nothing), so retrying an UNAVAILABLE is safe;
  //   ABORTED             fenced: a partition's epoch moved on (another owner
  //                       claimed it) or its offset is not base_offset;
  //                       nothing was written;
  //   INVALID_ARGUMENT    a write's command is not allowed, a DEL names more
  //                       keys, a HINCRBY lacks field/increment pairs or has
  //                       an increment that is no int64, a HADDVECTOR names a
  //                       field twice or carries a malformed delta (not whole
  //                       entries, indices not increasing or from
  //                       kMaxVectorLength on), or no partition; nothing was
  //                       sent;
  //   UNAVAILABLE,        Redis unreachable (not run), Redis refused the
  //                       script before it wrote (LOADING after a restart,
  //                       NOREPLICAS, READONLY, OOM, ...: RedisErrorStatus
  //                       in redis_client.h), or no reply in time
  //   DEADLINE_EXCEEDED   (unknown outcome): retry the same Checkpoint;
  //   INTERNAL            Redis failed a write inside the script (e.g.
  //                       WRONGTYPE, a HINCRBY or HADDVECTOR sum beyond
  //                       int64, a HADDVECTOR of a field whose value is not
  //                       a whole number of 8 bytes): Redis does not roll back, so part of
  //                       the writes were applied (not necessarily those
  //                       before it in order). A service bug; stop.
  absl::Status Write(const Checkpoint& checkpoint);

  // Write in two steps, for a caller that works on while its write is in
  // flight (CheckpointingConsumer): Encode fails with Write's
  // INVALID_ARGUMENT (nothing sent); WriteAsync sends the script and calls
  // `done` once with Write's outcome, on the RedisClient's I/O thread (or
  // the calling thread when the command is refused before it is queued);
  // `done` must not block. To retry an UNAVAILABLE or DEADLINE_EXCEEDED,
  // send the same encoding again.
  absl::StatusOr<EncodedCheckpoint> Encode(const Checkpoint& checkpoint) const;
  void WriteAsync(const EncodedCheckpoint& encoded, std::function<void(absl::Status)> done);

  std::string CheckpointsKey() const { return prefix_ + ":checkpoints"; }
  std::string EventIdsKey(const TopicPartition& partition) const;

 private:
  RedisClient& redis_;
  const std::string prefix_;
  const size_t dedup_window_;
};

}  // namespace sqms::runtime
