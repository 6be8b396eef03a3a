#pragma once
// Kafka payloads → the domain's events. The only place that knows the
// event protos' shapes (sqms.events.v1.ComplaintEvent, ContactEvent).

#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "services/metrics/domain/event.h"

namespace sqms::metrics::codec {

// The metrics events one sqms.complaints.v1 payload stands for: none for a
// change no KPI reads (assigned, note added, ...), more than one when one
// change completes several things (a resolution that is also the first
// response; a complaint's first reopen, which also revokes its first-contact
// resolution — an event dated at that resolution, domain/reopen.h; a
// complaint's first resolution, when it is not a linked duplicate, which
// also makes a ComplaintHandled dated at the complaint's received_at, the
// handling rate's cohort: domain/event.h).
// INVALID_ARGUMENT when the payload does not parse or lacks its event time,
// or for such a first resolution, when the complaint's received_at is
// missing or outside the time KPIs cover.
absl::StatusOr<std::vector<domain::Event>> DecodeComplaintEvent(std::string_view payload);

// The same for one sqms.contact.v1 payload (an outage's start counts for
// nothing: its end carries the length).
absl::StatusOr<std::vector<domain::Event>> DecodeContactEvent(std::string_view payload);

}  // namespace sqms::metrics::codec
