#include "services/metrics/codec/incident_codec.h"

#include <optional>
#include <string>

#include "absl/strings/str_cat.h"
#include "services/metrics/codec/event_time.h"
#include "services/metrics/domain/outage.h"
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
  // The milestones date the events they count (MTTA at the acknowledgement,
  // an outage's pieces from its opening): covered, like occurred_at.
  auto milestone = [&](bool has, const google::protobuf::Timestamp& t, const char* field,
                       std::optional<absl::Time>& into) {
    if (!has) return absl::OkStatus();
    absl::StatusOr<absl::Time> time = CoveredTime(t, field, "incident event", e.event_id());
    if (!time.ok()) return time.status();
    into = *time;
    return absl::OkStatus();
  };
  for (absl::Status s : {milestone(e.has_opened_at(), e.opened_at(), "opened_at", out.opened_at),
                         milestone(e.has_acknowledged_at(), e.acknowledged_at(), "acknowledged_at",
                                   out.acknowledged_at),
                         milestone(e.has_resolved_at(), e.resolved_at(), "resolved_at",
                                   out.resolved_at)}) {
    if (!s.ok()) return s;
  }
  // An outage is cut into one piece per minute: a year's limit, as for the
  // outages of sqms.contact.v1 (domain/outage.h).
  if (out.outage && out.opened_at && out.resolved_at &&
      *out.resolved_at - *out.opened_at > domain::kMaxOutage) {
    return absl::InvalidArgumentError(
        absl::StrCat("incident event ", e.event_id(), ": an outage from opened_at to resolved_at ",
                     "is longer than ", absl::FormatDuration(domain::kMaxOutage)));
  }
  return out;
}

}  // namespace sqms::metrics::codec
