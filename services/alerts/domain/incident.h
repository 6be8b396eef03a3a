#pragma once
// The incident lifecycle: triggered → acknowledged → mitigating → resolved
// → closed (with a review). An acknowledgement holds until resolution; only
// a plan's ack_expiry returns an acknowledged incident to triggered — and
// then the incident has no current acknowledgement any more (no
// acknowledged_at / _by / _tier; the timeline keeps who acknowledged it and
// when) until someone acknowledges it again. The
// store applies these checks inside its atomic scripts too; this is the
// one statement of the rules, for the app layer and the tests.

#include <optional>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace sqms::alerts::domain {

enum class IncidentState { kTriggered, kAcknowledged, kMitigating, kResolved, kClosed };

std::string_view IncidentStateName(IncidentState state);  // "triggered", …
std::optional<IncidentState> ParseIncidentState(std::string_view name);

// Active = triggered, acknowledged or mitigating: it pages, groups new
// alerts, inhibits and links complaints.
bool IsActive(IncidentState state);

enum class IncidentCommandKind { kAcknowledge, kMitigate, kResolve, kClose, kReopenAck };

// The state after `command` from `from`, or FAILED_PRECONDITION naming both
// ("cannot acknowledge a resolved incident"). Allowed:
//   acknowledge  triggered → acknowledged
//   mitigate     triggered | acknowledged → mitigating
//   resolve      triggered | acknowledged | mitigating → resolved
//   close        resolved → closed
//   reopen-ack   acknowledged → triggered (ack_expiry only)
// Acknowledging an acknowledged incident is FAILED_PRECONDITION too: the
// caller's request id, not a second ack, makes a retry safe.
absl::StatusOr<IncidentState> Apply(IncidentState from, IncidentCommandKind command);

}  // namespace sqms::alerts::domain
