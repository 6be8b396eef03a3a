#pragma once
// Internal to sqms_runtime: RedisClient's cluster mode. Keeps the slot map,
// one RedisPipeline per node, and routes each command by the hash slot of
// its first key (redis_slot.h). Redirects and refusals are followed here:
//  - MOVED: the slot's owner is updated at once, a full refresh is asked
//    for, and the command goes to the new owner;
//  - ASK: the command goes to the named node once, preceded by ASKING; the
//    map is left alone;
//  - TRYAGAIN, CLUSTERDOWN, and "not sent" (UNAVAILABLE from a node: not
//    connected, e.g. a primary that died): the command waits (a growing
//    pause, 20 ms doubling up to 320 ms) and the map is refreshed before it
//    is routed again.
// Each of these counts against RedisOptions::cluster_max_redirects and the
// command's own deadline; past either, the caller gets UNAVAILABLE (a
// redirected or refused command did not run). The map is also refreshed
// every cluster_refresh_interval and whenever a node's connection fails.

#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "redis_pipeline.h"

namespace sqms::runtime::internal {

class RedisClusterRouter final : public RedisTransport, private RedisInterceptor {
 public:
  // Starts the topology thread, which reads the slot map from the seeds
  // (options.cluster_seeds, else options.host:port) at once.
  RedisClusterRouter(RedisOptions options, RedisLatencyObserver observer);
  // Fails waiting and queued commands with UNAVAILABLE; joins every thread.
  ~RedisClusterRouter() override;
  RedisClusterRouter(const RedisClusterRouter&) = delete;
  RedisClusterRouter& operator=(const RedisClusterRouter&) = delete;

  // Routes each command. One whose slot has no known owner waits for the
  // next refresh — unless the last refresh failed and no map is known, when
  // it fails at once with UNAVAILABLE on the calling thread.
  void Enqueue(RedisCommand* commands, size_t n) override;
  // True when a slot map is known and every primary in it is connected.
  bool connected() const override;

 private:
  struct Parked {
    RedisCommand command;
    RedisClock::time_point not_before;
  };

  bool Intercept(RedisCommand& command, absl::StatusOr<RedisReply>& outcome) override;
  void Dispatch(RedisCommand command);
  // Sends `command` to `node`; false (command untouched) after shutdown.
  bool SendTo(RedisPipeline* node, RedisCommand& command) ABSL_LOCKS_EXCLUDED(mu_);
  void Park(RedisCommand command, bool refresh) ABSL_LOCKS_EXCLUDED(mu_);
  RedisPipeline* NodeLocked(const std::string& address) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void TopologyLoop();
  absl::Status Refresh();
  absl::StatusOr<RedisReply> AskSlots(RedisPipeline& node);

  const RedisOptions options_;
  const RedisLatencyObserver observer_;
  std::vector<std::string> seeds_;  // "host:port"

  mutable absl::Mutex mu_;
  // Pipelines live until the router dies, so pointers to them stay valid.
  std::map<std::string, std::unique_ptr<RedisPipeline>> nodes_ ABSL_GUARDED_BY(mu_);
  std::vector<RedisPipeline*> slots_ ABSL_GUARDED_BY(mu_);  // kRedisSlots; null: unknown
  bool map_known_ ABSL_GUARDED_BY(mu_) = false;
  bool last_refresh_failed_ ABSL_GUARDED_BY(mu_) = false;
  bool refresh_wanted_ ABSL_GUARDED_BY(mu_) = true;
  bool wake_ ABSL_GUARDED_BY(mu_) = false;
  std::vector<Parked> parked_ ABSL_GUARDED_BY(mu_);
  int dispatching_ ABSL_GUARDED_BY(mu_) = 0;  // SendTo calls under way
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;

  std::thread topology_thread_;  // last: starts after everything above exists
};

}  // namespace sqms::runtime::internal
