#pragma once
// The sqms.incidents.v1 payload (sqms.events.v1.IncidentEvent) of an
// incident change, and its CloudEvents type. The Redis store encodes each
// event of a write from the document it writes (ports::IncidentWrite).

#include <string>

#include "absl/time/time.h"
#include "services/alerts/ports/alert_store.h"
#include "services/alerts/ports/incident.h"

namespace sqms::alerts::codec {

// Serialized IncidentEvent: `incident` as it is after the change, `kind`
// what changed, at `at` by `actor` (token subject or "system").
// acknowledged_at / resolved_at unset until known; tier = the tier notified
// last.
std::string EncodeIncidentEvent(const ports::Incident& incident, ports::IncidentEventKind kind,
                                const std::string& event_id, absl::Time at,
                                const std::string& actor);

// The CloudEvents type (ce_type) of `kind`: "sqms.incidents.v1.opened",
// "…escalated", "…acknowledged", "…mitigating", "…resolved", "…closed",
// "…step_completed", "…alert_added".
std::string IncidentEventType(ports::IncidentEventKind kind);

}  // namespace sqms::alerts::codec
