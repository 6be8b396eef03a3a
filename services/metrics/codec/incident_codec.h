#pragma once
// sqms.incidents.v1 payloads (sqms.events.v1.IncidentEvent) → the domain's
// IncidentChange. The only place that knows that proto's shape.
//
// Labels → dimensions: the incident's group labels `department`,
// `channel`, `category`, `region`, `station` and `line` file it under the
// units of those dimensions, as the same fields of a contact event do; the
// plan id and the response level are the `plan` and `level` dimensions.
// Its `platform` label (else its `service` label) is the outage's platform,
// kept as contact outages keep theirs (lineage): system reliability has no
// platform dimension — its base is the scheduled time of all configured
// platforms together (metrics.yaml `reliability`), so an outage counts in
// the total and in the units its labels name.

#include <string_view>

#include "absl/status/statusor.h"
#include "services/metrics/domain/incident.h"

namespace sqms::metrics::codec {

// INVALID_ARGUMENT when the payload does not parse, lacks its event time
// or incident id, carries a time outside the time KPIs cover
// (domain::Covered: occurred_at, opened_at, acknowledged_at, resolved_at),
// or an outage from opened_at to resolved_at longer than domain::kMaxOutage.
absl::StatusOr<domain::IncidentChange> DecodeIncidentEvent(std::string_view payload);

}  // namespace sqms::metrics::codec
