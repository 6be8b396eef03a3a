#pragma once
// Internal to sqms_runtime: the RAII owner of one synchronous hiredis
// connection, used only by RedisClient's I/O thread. Not thread-safe.

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "sqms/runtime/redis_client.h"

struct redisContext;

namespace sqms::runtime::internal {

class RedisConnection {
 public:
  // Connects within options.connect_timeout and AUTHs when a password is set.
  // UNAVAILABLE "redis: <reason>" on any failure.
  static absl::StatusOr<std::unique_ptr<RedisConnection>> Connect(const RedisOptions& options);
  ~RedisConnection();
  RedisConnection(const RedisConnection&) = delete;
  RedisConnection& operator=(const RedisConnection&) = delete;

  // Buffers one command (no I/O yet). UNAVAILABLE if the context is broken.
  absl::Status Append(const std::vector<std::string>& argv);
  // True when nothing is waiting to be read on the socket, as it must be
  // between batches; false means the peer closed it (or sent garbage).
  bool Idle() const;
  // Flushes what was appended and reads the next reply, waiting at most
  // `timeout`. Any error leaves the connection unusable: UNAVAILABLE
  // "redis: <reason>" (a timeout reads "redis: deadline exceeded").
  absl::StatusOr<RedisReply> GetReply(std::chrono::milliseconds timeout);

 private:
  explicit RedisConnection(redisContext* context) : context_(context) {}
  absl::Status SetTimeout(std::chrono::milliseconds timeout);
  absl::Status Error(const char* what) const;

  redisContext* context_;  // owned; freed with redisFree
  std::chrono::milliseconds timeout_{-1};  // the socket timeout currently set
  std::string resp_;  // the command in RESP, reused: no allocation per command
};

}  // namespace sqms::runtime::internal
