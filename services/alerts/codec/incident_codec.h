#pragma once
// Incidents, alert decisions and drill reports → sqms.alerts.v1 messages
// (the API only reads these; nothing maps them back). Times the model keeps
// as InfinitePast ("not yet": acknowledged_at, resolved_at, closed_at, a
// step's done_at) or InfiniteFuture ("none due": next_escalation_at) leave
// their Timestamp unset.

#include <vector>

#include "services/alerts/app/alert_processor.h"
#include "services/alerts/app/catalog.h"
#include "services/alerts/app/incident_commands.h"
#include "services/alerts/ports/incident.h"
#include "sqms/alerts/v1/service.pb.h"

namespace sqms::alerts::codec {

::sqms::alerts::v1::IncidentState StateToProto(domain::IncidentState state);

// The incident as the API shows it. steps: one per step of its plan (title,
// owner and expected minutes from `catalog`) with the incident's record of
// it; when the plan is gone or has fewer steps than the records, the
// remaining records are shown untitled. `deliveries`: those of the incident
// the caller has read (may be empty), in the incident's order.
::sqms::alerts::v1::Incident IncidentToProto(const ports::Incident& incident,
                                             const app::CatalogData& catalog,
                                             const std::vector<ports::Delivery>& deliveries);

::sqms::alerts::v1::Outcome OutcomeToProto(app::Outcome outcome);
::sqms::alerts::v1::AlertDecision DecisionToProto(const app::Decision& decision);
::sqms::alerts::v1::RaiseAlertResponse ProcessResultToProto(const app::ProcessResult& result);

// Durations in seconds (minutes for steps); an unknown one (not
// acknowledged, not resolved, no previous drill) is −1.
::sqms::alerts::v1::DrillReport DrillReportToProto(const app::DrillReport& report);

}  // namespace sqms::alerts::codec
