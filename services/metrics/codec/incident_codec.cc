#include "services/metrics/codec/incident_codec.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "services/metrics/codec/event_time.h"
#include "sqms/events/v1/incident_event.pb.h"

namespace sqms::metrics::codec {
namespace {

namespace ev = ::sqms::events::v1;

std::string Label(const ev::IncidentEvent& e, const std::string& name) {
  auto it = e.labels().find(name);
  return it == e.labels().end() ? std::string() : it->second;
}

}  // namespace

absl::StatusOr<domain::IncidentChange> DecodeIncidentEvent(std::string_view payload) {
  ev::IncidentEvent e;
  if (!e.ParseFromArray(payload.data(), static_cast<int>(payload.size()))) {
    return absl::InvalidArgumentError("sqms.incidents.v1: the payload is not an IncidentEvent");
  }
  const absl::StatusOr<absl::Time> occurred_at =
      EventTime(e.has_occurred_at(), e.occurred_at(), "incident event", e.event_id());
  if (!occurred_at.ok()) return occurred_at.status();
  if (e.incident_id().empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("incident event ", e.event_id(), ": incident_id is empty"));
  }
  domain::IncidentChange out;
  out.event_id = e.event_id();
  out.incident_id = e.incident_id();
  out.occurred_at = *occurred_at;
  out.drill = e.drill();
  out.outage = e.outage();
  out.dimensions.department = Label(e, "department");
  out.dimensions.channel = Label(e, "channel");
  out.dimensions.category = Label(e, "category");
  out.dimensions.region = Label(e, "region");
  out.dimensions.station = Label(e, "station");
  out.dimensions.line = Label(e, "line");
  out.dimensions.plan = e.plan_id();
  out.dimensions.level = e.level();
  out.platform = Label(e, "platform");
  if (out.platform.empty()) out.platform = Label(e, "service");
  if (e.has_opened_at()) out.opened_at = ToTime(e.opened_at());
  if (e.has_acknowledged_at()) out.acknowledged_at = ToTime(e.acknowledged_at());
  if (e.has_resolved_at()) out.resolved_at = ToTime(e.resolved_at());
  return out;
}

}  // namespace sqms::metrics::codec
