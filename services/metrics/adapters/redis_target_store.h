#pragma once
// ports::TargetStore in Redis (kpi_keys.h): the statuses in one hash and the
// events in the service's outbox stream, written by one Lua script that
// first compares the stored status — the compare-and-set that makes one
// replica publish each event. The runtime's OutboxRelay carries the outbox
// to sqms.kpi.v1. Thread-safe; blocking.

#include <functional>
#include <string>

#include "services/metrics/ports/target_store.h"
#include "sqms/runtime/redis_client.h"

namespace sqms::metrics::adapters {

class RedisTargetStore final : public ports::TargetStore {
 public:
  // `wake_relay` runs after a transition that queued events.
  RedisTargetStore(runtime::RedisClient& redis, std::string kpi_topic,
                   std::function<void()> wake_relay);

  absl::StatusOr<std::map<std::string, ports::TargetStatus>> Load(
      const std::string& target_id) override;
  absl::StatusOr<bool> Transition(const std::string& target_id, const std::string& unit,
                                  const ports::TargetStatus& expected,
                                  const ports::TargetStatus& next,
                                  const std::vector<ports::TargetEvent>& events) override;
  absl::StatusOr<std::vector<std::string>> RecentEvents(int limit) override;

 private:
  runtime::RedisClient& redis_;
  const std::string topic_;
  std::function<void()> wake_relay_;
};

}  // namespace sqms::metrics::adapters
