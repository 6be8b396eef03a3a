#pragma once
// ports::ContactEventStore on Redis: one script sets the "seen" marker of
// the event id and appends the event to the outbox of the contact's shard,
// so events of one contact stay in order on Kafka.

#include <functional>
#include <string>

#include "absl/time/time.h"
#include "services/complaints/adapters/redis_keys.h"
#include "services/complaints/ports/contact_event_store.h"
#include "sqms/runtime/redis_client.h"

namespace sqms::complaints::adapters {

class RedisContactEventStore final : public ports::ContactEventStore {
 public:
  // `seen_ttl`: how long a repeated event id is recognised. Thread-safe.
  RedisContactEventStore(runtime::RedisClient& redis, const RedisKeys& keys,
                         std::string contact_topic, absl::Duration seen_ttl,
                         std::function<void()> on_commit = {});

  absl::StatusOr<bool> Append(const domain::ContactEvent& event) override;

 private:
  runtime::RedisClient& redis_;
  const RedisKeys& keys_;
  std::string topic_;
  absl::Duration seen_ttl_;
  std::function<void()> on_commit_;
};

}  // namespace sqms::complaints::adapters
