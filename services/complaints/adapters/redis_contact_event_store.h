#pragma once
// ports::ContactEventStore on Redis (key schema: redis_keys.h). One script
// checks the "seen" marker of the event id (its value: the event's
// fingerprint; "1" for markers written before fingerprints were kept) and
// the contact's record
// (sqms:{cN}:contact:<contact id>), then sets the marker, updates the record
// and appends the event to the outbox of the contact's shard — atomically,
// so events of one contact stay in order on Kafka and the record never
// disagrees with what was published.

#include <functional>
#include <string>

#include "absl/time/time.h"
#include "services/complaints/adapters/redis_keys.h"
#include "services/complaints/ports/contact_event_store.h"
#include "sqms/runtime/redis_client.h"

namespace sqms::complaints::adapters {

class RedisContactEventStore final : public ports::ContactEventStore {
 public:
  // `ttl`: how long a repeated event id is recognised, and how long a
  // contact's record is kept after its latest event (renewed by each).
  // Outages that last longer must send outage_seconds. Thread-safe.
  RedisContactEventStore(runtime::RedisClient& redis, const RedisKeys& keys,
                         std::string contact_topic, absl::Duration ttl,
                         std::function<void()> on_commit = {});

  absl::StatusOr<ports::ContactLookup> Load(const std::string& contact_id,
                                            const std::string& event_id) override;
  absl::StatusOr<ports::AppendOutcome> Append(const domain::ContactEvent& event,
                                              const domain::ContactRecord& basis,
                                              const std::string& fingerprint) override;
  // SET NX GET on the binding's own slot (RedisKeys::ContactEventBinding).
  absl::StatusOr<ports::EventIdBinding> BindEventId(const std::string& event_id,
                                                    const std::string& contact_id) override;
  absl::Status ReleaseEventId(const std::string& event_id, const std::string& contact_id) override;

 private:
  runtime::RedisClient& redis_;
  const RedisKeys& keys_;
  std::string topic_;
  absl::Duration ttl_;
  std::function<void()> on_commit_;
};

}  // namespace sqms::complaints::adapters
