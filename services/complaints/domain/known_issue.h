#pragma once
// Known issues: complaints linked to an active incident of the alerts
// service (issue 9, docs/alerts.md "Known issues"). When a station fills
// with smoke, the tenth passenger reporting it is not a new problem: the
// incident is being handled, the complaint says so, and — unless it is P1
// or safety (SlaHeld) — its own SLA escalations wait until the incident is
// resolved; then every linked complaint can be answered together.
//
// Pure: the incidents come from the sqms.incidents.v1 events
// (app/known_issues.h keeps the active ones).

#include <map>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "services/complaints/domain/model.h"

namespace sqms::complaints::domain {

// An active (triggered, acknowledged or mitigating), non-drill incident.
struct ActiveIncident {
  std::string id;
  std::string title;
  std::string plan_id;
  std::string level;                          // "I" … "IV"
  std::map<std::string, std::string> labels;  // its group labels
  std::vector<Category> categories;           // the plan's known-issue categories
  absl::Time opened_at;
};

// What an incident event says, for known issues: the incident, and whether
// it ended (resolved or closed) or is active.
struct IncidentChange {
  ActiveIncident incident;
  bool ended = false;
};

// The labels a complaint can be matched on, and what of the complaint each
// compares with: station, region, line (its location) and department.
bool IsPlaceLabel(const std::string& name);

// The incident a new complaint is a known instance of, or null. A complaint
// matches an incident when
//  - its category is one of the incident's categories;
//  - the incident has at least one label and every label is a place label
//    (IsPlaceLabel) equal to the complaint's value: an incident that names
//    no place, or a place the complaints service does not know (e.g.
//    `service`), explains no particular complaint;
//  - it occurred no earlier than `lookback` before the incident opened.
// Of several, the earliest opened wins (then the smallest id): the same
// complaint always links to the same incident.
const ActiveIncident* FindKnownIssue(const Complaint& complaint,
                                     const std::vector<ActiveIncident>& active,
                                     absl::Duration lookback);

// Whether a known issue holds the complaint's SLA escalations now: it is
// linked to an incident still active (KnownIssue::active), and it is
// neither P1 nor of the safety category. A P1 or safety complaint stays
// linked (listed with the incident, answered in its bulk reply) but its
// timers always run: station and category are far too coarse to tell that
// a later hazard is the incident's, and a held P1 breach pages nobody.
// Derived from the complaint as it is, so a reclassification to P1 lifts
// the hold at once (a deadline passed meanwhile fires then), and one that
// leaves P1 while the incident is active brings it back.
bool SlaHeld(const Complaint& complaint);

// Links a complaint being created (version 1, its kSubmitted event in
// `events`) to `incident`: known_issue set (active), an audit entry
// "incident_linked" at the same version noting whether its SLA escalations
// are held (SlaHeld), a kIncidentLinked event after kSubmitted. Call before
// computing its timers: a held complaint has none.
void LinkKnownIssue(Complaint& complaint, const ActiveIncident& incident,
                    const std::string& actor, absl::Time now, std::vector<Event>& events);

// The incident `incident_id` was resolved: ends the link's activity (and
// so the hold, if SlaHeld) of a complaint linked to it — released_at set,
// version + 1, an audit entry "incident_resolved" (actor "incidents"), one
// kIncidentResolved event. Empty (complaint untouched) when it is linked to
// another incident or released already. A closed complaint is released
// too: it fires no timers, but a reopen gives it new deadlines that the
// link must not hold. A held complaint's timers then resume: a deadline
// that passed meanwhile fires at once.
std::vector<Event> ReleaseKnownIssue(Complaint& complaint, const std::string& incident_id,
                                     absl::Time now);

}  // namespace sqms::complaints::domain
