#pragma once
// Internal to sqms_runtime: one Redis node, reached through one connection
// that a dedicated I/O thread writes as a pipeline. RedisClient uses one in
// standalone mode and one per node in cluster mode (RedisClusterRouter).

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "sqms/runtime/redis_client.h"

namespace sqms::runtime::internal {

using RedisClock = std::chrono::steady_clock;

// One command on its way. `script` is set for EVALSHA so the I/O thread can
// re-send it as EVAL on NOSCRIPT without a copy of the arguments.
struct RedisCommand {
  RedisClient::Argv argv;
  RedisClient::Callback done;
  RedisClock::time_point enqueued;
  RedisClock::time_point deadline;
  std::shared_ptr<const std::string> script;
  // Cluster mode only: the hash slot (-1: keyless), whether the router may
  // re-send it after a redirect or a refusal, how often it already was, and
  // whether it goes out preceded by ASKING (an ASK redirect).
  int slot = -1;
  bool routed = false;
  int attempts = 0;
  bool asking = false;
};

// Sees every outcome of a routed command before its caller does (on the
// pipeline's I/O thread); returns true when it took the command over (moved
// it elsewhere or answered it), false to let the outcome through.
class RedisInterceptor {
 public:
  virtual ~RedisInterceptor() = default;
  virtual bool Intercept(RedisCommand& command, absl::StatusOr<RedisReply>& outcome) = 0;
};

// Anything commands can be handed to: one node, or a cluster router.
class RedisTransport {
 public:
  virtual ~RedisTransport() = default;
  // Takes `n` commands, queued back to back; each `done` runs exactly once.
  virtual void Enqueue(RedisCommand* commands, size_t n) = 0;
  virtual bool connected() const = 0;
};

// Outcomes, all on the I/O thread (or, after shutdown, on the caller's):
//  - the reply (a Redis error reply is an OK StatusOr of type kError);
//  - UNAVAILABLE when the command was certainly not sent: not connected,
//    shut down, or its deadline passed while it was still queued;
//  - DEADLINE_EXCEEDED when it was (or may have been) sent and no reply came
//    before its deadline, or the connection broke before the reply: the
//    command may have run.
// NOSCRIPT is answered by re-sending the command as EVAL on this node.
class RedisPipeline final : public RedisTransport {
 public:
  // Starts the I/O thread, which connects to options.host:options.port and
  // reconnects with backoff. `interceptor` (may be null) must outlive this.
  RedisPipeline(RedisOptions options, RedisLatencyObserver observer,
                RedisInterceptor* interceptor = nullptr);
  ~RedisPipeline() override;  // fails queued commands with UNAVAILABLE, joins
  RedisPipeline(const RedisPipeline&) = delete;
  RedisPipeline& operator=(const RedisPipeline&) = delete;

  void Enqueue(RedisCommand* commands, size_t n) override;
  bool connected() const override;
  const RedisOptions& options() const;

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace sqms::runtime::internal
