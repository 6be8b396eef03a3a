#include "services/complaints/domain/known_issue.h"

#include <algorithm>
#include <tuple>

#include "absl/strings/str_cat.h"

namespace sqms::complaints::domain {
namespace {

constexpr char kReleaseActor[] = "incidents";

// The complaint's value for a place label ("" when it has none).
const std::string& PlaceValue(const Complaint& c, const std::string& label) {
  static const std::string kNone;
  if (label == "station") return c.location.station;
  if (label == "region") return c.location.region;
  if (label == "line") return c.location.line;
  if (label == "department") return c.department;
  return kNone;
}

bool Matches(const Complaint& c, const ActiveIncident& incident, absl::Duration lookback) {
  if (std::find(incident.categories.begin(), incident.categories.end(), c.category) ==
      incident.categories.end()) {
    return false;
  }
  if (incident.labels.empty()) return false;
  for (const auto& [name, value] : incident.labels) {
    if (!IsPlaceLabel(name) || value.empty() || PlaceValue(c, name) != value) return false;
  }
  return c.occurred_at >= incident.opened_at - lookback;
}

}  // namespace

bool SlaHeld(const Complaint& complaint) {
  return complaint.known_issue && complaint.known_issue->active() &&
         complaint.priority != Priority::kP1 && complaint.category != Category::kSafety;
}

bool IsPlaceLabel(const std::string& name) {
  return name == "station" || name == "region" || name == "line" || name == "department";
}

const ActiveIncident* FindKnownIssue(const Complaint& complaint,
                                     const std::vector<ActiveIncident>& active,
                                     absl::Duration lookback) {
  const ActiveIncident* best = nullptr;
  for (const ActiveIncident& incident : active) {
    if (!Matches(complaint, incident, lookback)) continue;
    if (best == nullptr ||
        std::tie(incident.opened_at, incident.id) < std::tie(best->opened_at, best->id)) {
      best = &incident;
    }
  }
  return best;
}

void LinkKnownIssue(Complaint& complaint, const ActiveIncident& incident,
                    const std::string& actor, absl::Time now, std::vector<Event>& events) {
  complaint.known_issue = KnownIssue{.incident_id = incident.id,
                                     .title = incident.title,
                                     .plan_id = incident.plan_id,
                                     .level = incident.level,
                                     .linked_at = now,
                                     .released_at = std::nullopt};
  const std::string note =
      absl::StrCat("known issue: incident ", incident.id, " (", incident.title, "); ",
                   SlaHeld(complaint) ? "SLA escalations held" : "SLA timers run (P1/safety)");
  complaint.audit.push_back({now, actor, "incident_linked", complaint.status, complaint.status,
                             note, complaint.version});
  events.push_back({EventType::kIncidentLinked, now, actor, complaint.status, complaint.status,
                    SlaTarget::kUnspecified, note});
}

std::vector<Event> ReleaseKnownIssue(Complaint& complaint, const std::string& incident_id,
                                     absl::Time now) {
  std::vector<Event> events;
  // A closed complaint too: it fires no timers now, but a reopen would
  // start new deadlines, held for ever by a link no later event ends.
  if (!complaint.known_issue || complaint.known_issue->incident_id != incident_id ||
      !complaint.known_issue->active()) {
    return events;
  }
  const bool was_held = SlaHeld(complaint);
  complaint.known_issue->released_at = now;
  complaint.version += 1;
  complaint.updated_at = now;
  const std::string note = absl::StrCat("incident ", incident_id, " resolved",
                                        was_held ? "; SLA escalations resume" : "");
  complaint.audit.push_back({now, kReleaseActor, "incident_resolved", complaint.status,
                             complaint.status, note, complaint.version});
  events.push_back({EventType::kIncidentResolved, now, kReleaseActor, complaint.status,
                    complaint.status, SlaTarget::kUnspecified, note});
  return events;
}

}  // namespace sqms::complaints::domain
