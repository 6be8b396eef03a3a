#pragma once
// sqms.events.v1.IncidentEvent (topic sqms.incidents.v1, published by
// sqms-alerts) → what the complaints service keeps of an incident for known
// issues (domain/known_issue.h), and the registry's stored form of an
// active incident. The only place in the complaints service that knows the
// incident event's shape.

#include <optional>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "services/complaints/domain/known_issue.h"

namespace sqms::complaints::codec {

// The change an incident event makes; nullopt when there is nothing to keep:
// a drill (drills never touch real complaints), or an incident whose plan
// names no complaint category this build knows. `ended` for the states
// "resolved" and "closed". INVALID_ARGUMENT when the payload does not parse
// or has no incident_id or opened_at.
absl::StatusOr<std::optional<domain::IncidentChange>> DecodeIncidentEvent(
    std::string_view payload);

// An active incident as the registry stores it, and back (DATA_LOSS when
// the bytes are not one).
std::string EncodeActiveIncident(const domain::ActiveIncident& incident);
absl::StatusOr<domain::ActiveIncident> DecodeActiveIncident(std::string_view bytes);

}  // namespace sqms::complaints::codec
