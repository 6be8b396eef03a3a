#pragma once
// A thread-safe Redis client for the hot path: requests from all threads are
// queued and written to one connection as a pipeline by a dedicated I/O
// thread, so N concurrent callers cost ~1 round trip, not N.

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
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

struct RedisOptions {
  std::string host = "127.0.0.1";
  int port = 6379;
  std::string password;             // empty: no AUTH
  std::chrono::milliseconds connect_timeout{1000};
  // Deadline for one command, from enqueue to reply; past it the caller gets
  // UNAVAILABLE "deadline exceeded" (the reply, if it ever comes, is
  // dropped). A stalled Redis is detected by a socket read timeout of the
  // deadline being waited on (at least command_timeout/4), so a caller hears
  // back within its deadline, or within command_timeout/4 of it when it was
  // queued behind an overload; the connection is then re-established.
  std::chrono::milliseconds command_timeout{2000};
  // Reconnect backoff: starts at min, doubles up to max.
  std::chrono::milliseconds reconnect_backoff_min{50};
  std::chrono::milliseconds reconnect_backoff_max{2000};
  // Most commands written in one pipeline flush.
  int max_pipeline = 512;
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

  // Starts the I/O thread; connects lazily and reconnects with backoff. Never
  // fails: while Redis is unreachable, commands fail fast with UNAVAILABLE.
  explicit RedisClient(RedisOptions options, RedisLatencyObserver observer = {});
  ~RedisClient();  // fails queued commands with UNAVAILABLE, joins the thread
  RedisClient(const RedisClient&) = delete;
  RedisClient& operator=(const RedisClient&) = delete;

  // Queues one command; `done` runs on the I/O thread exactly once with the
  // reply, or UNAVAILABLE (not connected, connection lost, deadline passed).
  // A Redis error reply (-ERR ...) arrives as an OK StatusOr whose type is
  // kError: the caller decides what it means. `done` must not block (and
  // must not call the blocking forms below); it may call the async ones.
  // Commands queued by one thread are written, and answered, in the order
  // they were queued. Thread-safe; never blocks on I/O.
  //
  // Failure semantics: while disconnected (between reconnect attempts),
  // commands fail at once with "redis: not connected". A command in flight
  // when the connection breaks fails with "redis: <reason>" and may or may
  // not have been executed: retry only what is idempotent. Commands still
  // queued when their deadline passes are failed without being sent (load
  // shedding under overload).
  void CommandAsync(Argv argv, Callback done);

  // Blocking forms of the above. Safe from any thread except the I/O thread.
  absl::StatusOr<RedisReply> Command(Argv argv);
  // All commands sent in one pipeline; results in the same order.
  std::vector<absl::StatusOr<RedisReply>> Pipeline(std::vector<Argv> commands);

  // EVALSHA with EVAL fallback on NOSCRIPT (the EVAL goes out with the next
  // pipeline, so it may pass commands queued after it; same deadline).
  void EvalAsync(const LuaScript& script, const std::vector<std::string>& keys,
                 const std::vector<std::string>& args, Callback done);
  absl::StatusOr<RedisReply> Eval(const LuaScript& script, const std::vector<std::string>& keys,
                                  const std::vector<std::string>& args);

  // True while the connection is up (for readiness).
  bool connected() const;

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace sqms::runtime
