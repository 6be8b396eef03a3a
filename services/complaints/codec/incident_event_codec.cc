#include "services/complaints/codec/incident_event_codec.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "services/complaints/codec/complaint_codec.h"
#include "sqms/events/v1/incident_event.pb.h"

namespace sqms::complaints::codec {
namespace {

namespace ev = ::sqms::events::v1;

// The fields both forms share: the registry stores an IncidentEvent too.
domain::ActiveIncident FromEvent(const ev::IncidentEvent& e) {
  domain::ActiveIncident out;
  out.id = e.incident_id();
  out.title = e.title();
  out.plan_id = e.plan_id();
  out.level = e.level();
  out.labels.insert(e.labels().begin(), e.labels().end());
  for (const std::string& name : e.known_issue_categories()) {
    domain::Category category = domain::CategoryFromName(name);
    if (category != domain::Category::kUnspecified) out.categories.push_back(category);
  }
  out.opened_at = FromProto(e.opened_at());
  return out;
}

}  // namespace

absl::StatusOr<std::optional<domain::IncidentChange>> DecodeIncidentEvent(
    std::string_view payload) {
  ev::IncidentEvent e;
  if (!e.ParseFromArray(payload.data(), static_cast<int>(payload.size()))) {
    return absl::InvalidArgumentError("incident event: payload does not parse");
  }
  if (e.incident_id().empty()) {
    return absl::InvalidArgumentError("incident event: incident_id is empty");
  }
  if (!e.has_opened_at()) {
    return absl::InvalidArgumentError(
        absl::StrCat("incident event ", e.incident_id(), ": opened_at is unset"));
  }
  domain::IncidentChange change;
  change.incident = FromEvent(e);
  if (e.drill() || change.incident.categories.empty()) return std::nullopt;
  change.ended = e.state() == "resolved" || e.state() == "closed";
  return change;
}

std::string EncodeActiveIncident(const domain::ActiveIncident& incident) {
  ev::IncidentEvent e;
  e.set_incident_id(incident.id);
  e.set_title(incident.title);
  e.set_plan_id(incident.plan_id);
  e.set_level(incident.level);
  e.mutable_labels()->insert(incident.labels.begin(), incident.labels.end());
  for (domain::Category c : incident.categories) {
    e.add_known_issue_categories(std::string(domain::CategoryName(c)));
  }
  ToProto(incident.opened_at, e.mutable_opened_at());
  return e.SerializeAsString();
}

absl::StatusOr<domain::ActiveIncident> DecodeActiveIncident(std::string_view bytes) {
  ev::IncidentEvent e;
  if (!e.ParseFromArray(bytes.data(), static_cast<int>(bytes.size())) ||
      e.incident_id().empty()) {
    return absl::DataLossError("stored active incident does not parse");
  }
  return FromEvent(e);
}

}  // namespace sqms::complaints::codec
