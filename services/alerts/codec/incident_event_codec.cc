#include "services/alerts/codec/incident_event_codec.h"

#include <string_view>
#include <utility>

#include "absl/strings/str_cat.h"
#include "services/alerts/codec/timestamp_codec.h"
#include "sqms/events/v1/incident_event.pb.h"

namespace sqms::alerts::codec {
namespace {

namespace ev = ::sqms::events::v1;

std::pair<ev::IncidentEventType, std::string_view> TypeOf(ports::IncidentEventKind kind) {
  using K = ports::IncidentEventKind;
  switch (kind) {
    case K::kOpened: return {ev::INCIDENT_EVENT_TYPE_OPENED, "opened"};
    case K::kEscalated: return {ev::INCIDENT_EVENT_TYPE_ESCALATED, "escalated"};
    case K::kAcknowledged: return {ev::INCIDENT_EVENT_TYPE_ACKNOWLEDGED, "acknowledged"};
    case K::kMitigating: return {ev::INCIDENT_EVENT_TYPE_MITIGATING, "mitigating"};
    case K::kResolved: return {ev::INCIDENT_EVENT_TYPE_RESOLVED, "resolved"};
    case K::kClosed: return {ev::INCIDENT_EVENT_TYPE_CLOSED, "closed"};
    case K::kStepCompleted: return {ev::INCIDENT_EVENT_TYPE_STEP_COMPLETED, "step_completed"};
    case K::kAlertAdded: return {ev::INCIDENT_EVENT_TYPE_ALERT_ADDED, "alert_added"};
  }
  return {ev::INCIDENT_EVENT_TYPE_UNSPECIFIED, "unspecified"};
}

}  // namespace

std::string EncodeIncidentEvent(const ports::Incident& incident, ports::IncidentEventKind kind,
                                const std::string& event_id, absl::Time at,
                                const std::string& actor) {
  ev::IncidentEvent out;
  out.set_event_id(event_id);
  out.set_type(TypeOf(kind).first);
  if (IsFinite(at)) ToTimestamp(at, out.mutable_occurred_at());
  out.set_incident_id(incident.id);
  out.set_plan_id(incident.plan_id);
  out.set_risk_id(incident.risk_id);
  out.set_level(incident.level);
  out.set_state(std::string(domain::IncidentStateName(incident.state)));
  out.set_drill(incident.drill);
  out.mutable_labels()->insert(incident.labels.begin(), incident.labels.end());
  out.set_actor(actor);
  if (IsFinite(incident.opened_at)) ToTimestamp(incident.opened_at, out.mutable_opened_at());
  if (IsFinite(incident.acknowledged_at)) {
    ToTimestamp(incident.acknowledged_at, out.mutable_acknowledged_at());
  }
  if (IsFinite(incident.resolved_at)) ToTimestamp(incident.resolved_at, out.mutable_resolved_at());
  out.set_tier(incident.step.tier);
  out.set_outage(incident.outage);
  out.set_title(incident.title);
  for (const std::string& c : incident.known_issue_categories) out.add_known_issue_categories(c);
  return out.SerializeAsString();
}

std::string IncidentEventType(ports::IncidentEventKind kind) {
  return absl::StrCat("sqms.incidents.v1.", std::string(TypeOf(kind).second));
}

}  // namespace sqms::alerts::codec
