#pragma once
// A thread-safe Redis client for the hot path: requests from all threads are
// queued and written to one connection as a pipeline by a dedicated I/O
// thread, so N concurrent callers cost ~1 round trip, not N. Talks to one
// Redis, or to a Redis Cluster (one such connection per node; see "Cluster
// mode" below).

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace sqms::runtime {

// An owned copy of a hiredis reply (no C handle escapes this library).
struct RedisReply {
  enum class Type { kNil, kInteger, kString, kStatus, kError, kArray };
  Type type = Type::kNil;
  int64_t integer = 0;
  std::string str;                  // kString, kStatus, kError
  std::vector<RedisReply> elements; // kArray

  bool IsNil() const { return type == Type::kNil; }
};

// The status of an error reply (`reply.type == kError`), its text after
// `context`: UNAVAILABLE for the refusals Redis makes before a command — or
// a script, at its first write — has written anything, so a retry of the
// same command is safe: LOADING (a restarted Redis reading its AOF), BUSY
// (another script runs), MASTERDOWN, NOREPLICAS (min-replicas-to-write not
// met), READONLY (a replica, e.g. mid-failover), OOM (maxmemory), MISCONF
// (writes stopped after a failed save), TRYAGAIN and CLUSTERDOWN. INTERNAL
// for any other: a script's error may follow some of its writes, which
// Redis does not roll back. (Redis 7.0 checks READONLY, MISCONF and
// NOREPLICAS at every write of a script, not only the first; they can
// follow a write only if that state changes while the script runs, which
// a script never lets happen unless it runs past busy-reply-threshold, 5 s:
// ours take milliseconds. Redis 6 reports every script error as ERR:
// INTERNAL.)
absl::Status RedisErrorStatus(const RedisReply& reply, std::string_view context);

// One Redis node (also a cluster seed).
struct RedisNodeAddress {
  std::string host;
  int port = 6379;
};

// kStandalone: one Redis (or a proxy) at host:port. kCluster: a Redis
// Cluster, discovered from `cluster_seeds` (or host:port when empty); see
// "Cluster mode" below.
enum class RedisMode { kStandalone, kCluster };

struct RedisOptions {
  RedisMode mode = RedisMode::kStandalone;
  std::string host = "127.0.0.1";
  int port = 6379;
  std::vector<RedisNodeAddress> cluster_seeds;  // kCluster; any nodes of the cluster
  std::string password;             // empty: no AUTH
  std::chrono::milliseconds connect_timeout{1000};
  // Deadline for one command, from enqueue to reply. Past it, a command that
  // was (or may have been) sent is answered DEADLINE_EXCEEDED — its outcome
  // is unknown, see "Failure semantics" — and one still queued is failed
  // unsent with UNAVAILABLE. The reply, if it comes later, is dropped. A
  // stalled Redis is detected by a socket read timeout of the deadline being
  // waited on (at least command_timeout/4), so a caller hears back within its
  // deadline, or within command_timeout/4 of it when it was queued behind an
  // overload; the connection is then re-established.
  std::chrono::milliseconds command_timeout{2000};
  // Reconnect backoff: starts at min, doubles up to max.
  std::chrono::milliseconds reconnect_backoff_min{50};
  std::chrono::milliseconds reconnect_backoff_max{2000};
  // Most commands written in one pipeline flush.
  int max_pipeline = 512;
  // kCluster: most MOVED/ASK/TRYAGAIN/CLUSTERDOWN/not-connected retries of
  // one command (all within its command_timeout), and how often the slot map
  // is re-read when nothing asked for it.
  int cluster_max_redirects = 8;
  std::chrono::milliseconds cluster_refresh_interval{10000};
};

// A Lua script, loaded by SHA and re-sent with EVAL on NOSCRIPT (after a
// Redis restart, failover or SCRIPT FLUSH), transparently. Immutable, so
// thread-safe; calls in flight keep the source alive, so a LuaScript may be
// destroyed while its EvalAsync calls are pending.
class LuaScript {
 public:
  explicit LuaScript(std::string source);
  const std::string& source() const { return *source_; }
  const std::string& sha1() const { return sha1_; }
  // Shared with the calls in flight (no copy per call).
  const std::shared_ptr<const std::string>& shared_source() const { return source_; }

 private:
  std::shared_ptr<const std::string> source_;
  std::string sha1_;  // hex, computed locally
};

// Hook for latency metrics; called on the I/O thread per completed command.
using RedisLatencyObserver = std::function<void(std::chrono::nanoseconds)>;

class RedisClient {
 public:
  using Argv = std::vector<std::string>;
  using Callback = std::function<void(absl::StatusOr<RedisReply>)>;

  // Starts the I/O thread (cluster mode: one per node, plus a topology
  // thread); connects at once and reconnects with backoff. Never fails:
  // while Redis is unreachable, commands fail fast with UNAVAILABLE.
  explicit RedisClient(RedisOptions options, RedisLatencyObserver observer = {});
  // Fails queued commands with UNAVAILABLE, joins the threads.
  ~RedisClient();
  RedisClient(const RedisClient&) = delete;
  RedisClient& operator=(const RedisClient&) = delete;

  // Queues one command; `done` runs exactly once, on an I/O thread of this
  // client (cluster mode: that of the node that answered, or the topology
  // thread), except when the command is refused before it is queued (client
  // shut down; cluster mode: no slot map because no node is reachable, keys
  // of a script in several slots), when it runs on the calling thread before
  // CommandAsync/EvalAsync returns.
  // A Redis error reply (-ERR ...) arrives as an OK StatusOr whose type is
  // kError: the caller decides what it means. `done` must not block (and
  // must not call the blocking forms below); it may call the async ones.
  // Commands queued by one thread are written, and answered, in the order
  // they were queued (cluster mode: per node, and not across a redirect).
  // Thread-safe; never blocks on I/O.
  //
  // Failure semantics — the status code says whether the command may have
  // run:
  //  - UNAVAILABLE: it certainly did not run, and may be retried as is. The
  //    client is not connected (between reconnect attempts commands fail at
  //    once, "redis: not connected"), or shut down, or the deadline passed
  //    while the command was still queued (load shedding under overload:
  //    failed without being sent), or (cluster mode) the redirects and
  //    refusals ran out (see "Cluster mode").
  //  - DEADLINE_EXCEEDED: the outcome is unknown. The command was sent (or
  //    may have been) and no reply came within the deadline — Redis stalled,
  //    the reply came late, or the connection broke after the command was
  //    written. It may have run; retry only what is idempotent, e.g. a write
  //    guarded by a request id or idempotency key, which is then safe.
  //  - INVALID_ARGUMENT (cluster mode, EvalAsync): keys in several slots.
  //
  // Cluster mode (RedisOptions::mode = kCluster): the client reads the slot
  // map (CLUSTER SLOTS) from the seeds, keeps one pipelined connection per
  // primary, and sends each command to the owner of its first key's hash
  // slot ({hash tag} rules; keyless commands such as PING go to any one
  // primary — nothing is broadcast). On the way:
  //  - MOVED: the slot's owner is updated, the map re-read in the
  //    background, and the command re-sent to the new owner;
  //  - ASK (slot being migrated): the command is sent once to the named node
  //    preceded by ASKING; the map is unchanged;
  //  - TRYAGAIN, CLUSTERDOWN, or a node not connected (e.g. a primary that
  //    died): the command did not run, so it waits a short, growing pause
  //    (20 ms doubling to 320 ms) while the map is re-read, then is routed
  //    again.
  // These retries are bounded by cluster_max_redirects and by the command's
  // deadline; past either the caller gets UNAVAILABLE. A failover therefore
  // costs a caller at most its deadline: writes to the failed primary's
  // slots fail (UNAVAILABLE) or wait until the replica is promoted and the
  // map names it; commands in flight to the failed primary are
  // DEADLINE_EXCEEDED (unknown outcome) as above. The map is also re-read
  // every cluster_refresh_interval and whenever a node's connection fails.
  void CommandAsync(Argv argv, Callback done);

  // Blocking forms of the above. Safe from any thread except the I/O thread.
  absl::StatusOr<RedisReply> Command(Argv argv);
  // All commands sent in one pipeline (cluster mode: one per node); results
  // in the same order.
  std::vector<absl::StatusOr<RedisReply>> Pipeline(std::vector<Argv> commands);

  // EVALSHA with EVAL fallback on NOSCRIPT (the EVAL goes out with the next
  // pipeline, so it may pass commands queued after it; same deadline). In
  // cluster mode the script goes to the node of its first key, and the
  // fallback happens per node (each node has its own script cache); keys in
  // several slots are INVALID_ARGUMENT before anything is sent.
  void EvalAsync(const LuaScript& script, const std::vector<std::string>& keys,
                 const std::vector<std::string>& args, Callback done);
  absl::StatusOr<RedisReply> Eval(const LuaScript& script, const std::vector<std::string>& keys,
                                  const std::vector<std::string>& args);

  // True while the connection is up (for readiness); cluster mode: while a
  // slot map is known and every primary in it is connected.
  bool connected() const;

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace sqms::runtime
