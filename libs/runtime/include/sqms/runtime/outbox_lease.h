#pragma once
// Per-shard leases with fencing tokens for the transactional outbox relay
// (see outbox_relay.h). A lease is a Redis string `<owner> <token>` with a
// TTL at the shard's lease key; its token comes from INCR on
// `<lease key>:fence`, which never expires, so every new holder of a shard
// gets a larger token than any holder before it. Every write a holder makes
// for the shard (deleting confirmed entries) runs in a script that checks
// owner AND token first and is refused otherwise: a holder whose lease
// expired — paused, partitioned, or slow — cannot write after someone else
// took the shard, whatever its own clock says.
//
// Keys: the stream, the lease key and `<lease key>:fence` must hash to the
// same Redis Cluster slot (use one {hash tag} per shard).
//
// Thread-safe (stateless apart from the owner id); calls block on Redis.

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "sqms/runtime/redis_client.h"

namespace sqms::runtime {

// One shard's keys, named by the service (its key scheme, its hash tags).
struct OutboxShardKeys {
  std::string stream;  // the outbox stream (fields topic,key,id,type,time,payload)
  std::string lease;   // the lease; its token counter is `<lease>:fence`
};

struct LeaseGrant {
  bool held = false;
  int64_t token = 0;  // > 0 when held; the same while renewed
};

class OutboxLease {
 public:
  // `owner` must be unique per process: see UniqueOwnerId().
  OutboxLease(RedisClient& redis, std::string owner, std::chrono::milliseconds ttl);

  // Takes the shard's lease when it is free (a new, larger token) or renews
  // it (same token, TTL reset) when this owner holds it. held=false when
  // another owner holds it. Redis errors as statuses (then nothing is known:
  // the caller keeps relying on its previous grant only until it expires).
  absl::StatusOr<LeaseGrant> Acquire(const OutboxShardKeys& keys) const;

  // XDEL `ids` from the stream if and only if this owner holds the lease
  // with `token` (checked inside the script). Returns how many entries were
  // deleted; FAILED_PRECONDITION when fenced off (the lease expired or
  // belongs to someone else).
  absl::StatusOr<int64_t> Delete(const OutboxShardKeys& keys, int64_t token,
                                 const std::vector<std::string>& ids) const;

  // Several Delete()s (e.g. one per shard) sent at once, concurrently;
  // results in the same order. Blocks until all are answered.
  struct FencedDelete {
    OutboxShardKeys keys;
    int64_t token = 0;
    std::vector<std::string> ids;
  };
  std::vector<absl::StatusOr<int64_t>> DeleteMany(const std::vector<FencedDelete>& deletes) const;

  // Gives the lease up if this owner still holds it with `token` (on a
  // clean stop, so the next owner need not wait for the TTL).
  absl::Status Release(const OutboxShardKeys& keys, int64_t token) const;

  const std::string& owner() const { return owner_; }

 private:
  RedisClient& redis_;
  std::string owner_;
  std::chrono::milliseconds ttl_;
};

// "<prefix>-<host>-<pid>-<16 random hex digits>": two processes on one host,
// or a process restarted with the same pid, are different owners.
std::string UniqueOwnerId(std::string_view prefix);

}  // namespace sqms::runtime
