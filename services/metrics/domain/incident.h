#pragma once
// Incident changes (sqms.incidents.v1, issue 9 §8) → the events the KPIs
// count: MTTA, MTTR and an outage's downtime, each once per incident.
//
// The alerts service publishes every change of an incident with the
// incident as it is after the change (opened_at, and acknowledged_at and
// resolved_at once known), at least once. The rules:
//
//   MTTA  The first change seen that carries acknowledged_at counts one
//         IncidentAcknowledged of (acknowledged_at − opened_at), dated
//         acknowledged_at. Later acknowledgements do not count: an ack
//         expiry returns the incident to triggered and a second ack
//         overwrites acknowledged_at, but the time to acknowledge is the
//         first one's. (Mitigating straight from triggered also sets
//         acknowledged_at: it counts the same way.)
//   MTTR  The first change seen that carries resolved_at counts one
//         IncidentResolved of (resolved_at − opened_at), dated resolved_at.
//   Downtime  An outage incident (`outage`) that is not a drill adds, at
//         that same first resolution, its downtime [opened_at, resolved_at)
//         to system reliability as IncidentOutage pieces: one per minute
//         window of the zone it overlaps, dated at the piece's start and
//         holding the seconds inside that minute. Every window of every
//         size therefore gets exactly the part of the downtime inside it
//         (clipped to the period), however long the outage.
//   Unresolved outages are counted at resolution only, never "up to now":
//         a count up to now would need a clock in the consumer and a
//         retraction at resolution, which counters that only add cannot
//         express. While an outage is open, system_reliability does not
//         include it; when it resolves, the pieces in windows that closed
//         meanwhile are late events that correct those windows and raise
//         their revision (the consumer's lateness rule), so the correction
//         is visible, never silent. A downtime of D minutes is D pieces
//         (D grains in the next checkpoint).
//   Drills  The same milestones, marked drill: aggregated apart (the drill
//         figures of mtta and mttr), never in the official ones. A drill
//         outage adds no downtime anywhere: a rehearsal is no outage.
//
// Redelivery: what has been counted for an incident is IncidentMarks,
// which the caller keeps per incident and persists together with the
// counts (adapters/kpi_processor.h): a change seen again, or any later
// change, finds its milestones marked and counts nothing. Pure; never fails.

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/time/time.h"
#include "services/metrics/domain/event.h"

namespace sqms::metrics::domain {

// One change of an incident, in the metrics service's terms (codec/ maps
// sqms.events.v1.IncidentEvent onto it).
struct IncidentChange {
  std::string event_id;
  std::string incident_id;
  absl::Time occurred_at;
  bool drill = false;
  bool outage = false;             // the plan marks a platform outage
  Dimensions dimensions;           // from its labels; plan and level set
  std::string platform;            // its `platform` label, else its `service` label
  std::optional<absl::Time> opened_at;
  std::optional<absl::Time> acknowledged_at;
  std::optional<absl::Time> resolved_at;
};

// The milestones of one incident already counted.
struct IncidentMarks {
  bool acknowledged = false;  // MTTA counted
  bool resolved = false;      // MTTR (and an outage's downtime) counted
  bool operator==(const IncidentMarks&) const = default;
};

struct CountedChange {
  std::vector<Event> events;  // to count, in order: acknowledged, resolved, outage pieces
  IncidentMarks marks;        // the marks after this change
};

// What `change` counts given what was counted before (`counted`), by the
// rules above; `zone` places the minute windows of an outage's pieces. A
// change without opened_at counts nothing and marks nothing. Times are
// taken in whole seconds (floored); negative durations count as 0.
CountedChange CountIncidentChange(const IncidentChange& change, const IncidentMarks& counted,
                                  const absl::TimeZone& zone);

// [from, to) cut at the minute windows of `zone`: (piece start, seconds in
// it), in time order; empty when to <= from. `from` and `to` are whole
// seconds.
std::vector<std::pair<absl::Time, int64_t>> SplitByMinute(absl::Time from, absl::Time to,
                                                          const absl::TimeZone& zone);

}  // namespace sqms::metrics::domain
