#pragma once
// Durable intake of call-center contact events: appended to the outbox with
// idempotency on the event id, relayed to Kafka topic sqms.contact.v1.

#include "absl/status/statusor.h"
#include "services/complaints/domain/contact_event.h"

namespace sqms::complaints::ports {

class ContactEventStore {
 public:
  virtual ~ContactEventStore() = default;
  // Appends a validated event whose event_id is set (unique: a repeat is
  // acknowledged, not re-published), keyed by its contact id. How it is
  // encoded on the topic is the adapter's business.
  // true: appended now; false: seen before (within the idempotency TTL).
  // UNAVAILABLE when the store is down. Thread-safe.
  virtual absl::StatusOr<bool> Append(const domain::ContactEvent& event) = 0;
};

}  // namespace sqms::complaints::ports
