#pragma once
// Durable intake of call-center contact events: appended to the outbox with
// idempotency on the event id, relayed to Kafka topic sqms.contact.v1.

#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace sqms::complaints::ports {

struct ContactRecord {
  std::string event_id;   // unique; a repeat is acknowledged, not re-published
  std::string contact_id; // Kafka key
  std::string type;       // CloudEvents type, e.g. "sqms.contact.v1.call_answered"
  absl::Time occurred_at;
  std::string payload;    // serialized sqms.events.v1.ContactEvent
};

class ContactEventStore {
 public:
  virtual ~ContactEventStore() = default;
  // true: appended now; false: seen before (within the idempotency TTL).
  // UNAVAILABLE when the store is down. Thread-safe.
  virtual absl::StatusOr<bool> Append(const ContactRecord& record) = 0;
};

}  // namespace sqms::complaints::ports
