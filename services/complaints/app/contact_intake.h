#pragma once
// Contact-event intake (requirements.md §2): validate → encode (personal data
// masked) → append to the durable outbox, which relays to Kafka topic
// sqms.contact.v1. Idempotent on the event id.

#include <string>

#include "absl/status/statusor.h"
#include "services/complaints/domain/contact_event.h"
#include "services/complaints/ports/contact_event_store.h"
#include "sqms/runtime/clock.h"

namespace sqms::complaints::app {

struct ContactAccepted {
  std::string event_id;   // as sent, or made by the server
  bool duplicate = false; // the event id was seen before: acknowledged, not re-published
};

class ContactIntake {
 public:
  // `store` and `clock` must outlive this object.
  ContactIntake(ports::ContactEventStore& store, const runtime::Clock& clock,
                domain::ContactLimits limits = {});

  // INVALID_ARGUMENT (field violations) for a bad event — nothing stored;
  // UNAVAILABLE when the store is down (retry with the returned/same
  // event_id). An empty event_id gets a UUID v4 (runtime::NewEventId). Outage
  // durations are accepted as sent. Thread-safe; blocks on the store (call
  // from worker threads, not gRPC callback threads).
  absl::StatusOr<ContactAccepted> Accept(domain::ContactEvent event);

 private:
  ports::ContactEventStore& store_;
  const runtime::Clock& clock_;
  domain::ContactLimits limits_;
};

}  // namespace sqms::complaints::app
