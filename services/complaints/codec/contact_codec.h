#pragma once
// sqms.events.v1.ContactEvent ↔ domain::ContactEvent, and the payload
// published on topic sqms.contact.v1. Enum values are mapped by value;
// out-of-range wire values are kept for validation to reject.

#include <string>

#include "services/complaints/domain/contact_event.h"
#include "sqms/events/v1/contact_event.pb.h"

namespace sqms::complaints::codec {

// The oneof `kind` becomes ContactKind; an unset occurred_at becomes
// absl::InfinitePast() (rejected by ValidateContactEvent). Presence is kept:
// an unset duration or survey answer stays std::nullopt; outage_seconds 0
// (proto3 without presence) becomes std::nullopt, "not sent". A dispatch's
// consultation_created_at is not read: the gateway sets it from the
// contact's record (domain::CompleteContactEvent).
domain::ContactEvent FromProto(const ::sqms::events::v1::ContactEvent& event);
// As stored and published: the survey comment, the consultation topic and
// the outage description go through domain::MaskText (no personal data on
// Kafka); only the answers and durations present in `event` are set.
void ToPublishedProto(const domain::ContactEvent& event, ::sqms::events::v1::ContactEvent* out);
std::string EncodeContactEvent(const domain::ContactEvent& event);
// CloudEvents type: "sqms.contact.v1.call_offered", ... .
std::string ContactEventType(domain::ContactKind kind);

}  // namespace sqms::complaints::codec
