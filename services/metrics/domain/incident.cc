#include "services/metrics/domain/incident.h"

#include <algorithm>

#include "services/metrics/domain/window.h"

namespace sqms::metrics::domain {
namespace {

absl::Time WholeSeconds(absl::Time t) { return absl::FromUnixSeconds(absl::ToUnixSeconds(t)); }

int64_t SecondsBetween(absl::Time from, absl::Time to) {
  return std::max<int64_t>(0, absl::ToInt64Seconds(WholeSeconds(to) - WholeSeconds(from)));
}

Event Milestone(const IncidentChange& change, absl::Time at, EventBody body) {
  return Event{.id = change.event_id,
               .occurred_at = WholeSeconds(at),
               .dimensions = change.dimensions,
               .drill = change.drill,
               .body = std::move(body)};
}

}  // namespace

std::vector<std::pair<absl::Time, int64_t>> SplitByMinute(absl::Time from, absl::Time to,
                                                          const absl::TimeZone& zone) {
  std::vector<std::pair<absl::Time, int64_t>> pieces;
  if (to <= from) return pieces;
  Window w = WindowOf(from, WindowSize::kMinute, zone);
  absl::Time at = from;
  while (at < to) {
    const absl::Time end = std::min(w.end, to);
    pieces.emplace_back(at, absl::ToInt64Seconds(end - at));
    at = end;
    w = NextWindow(w, zone);
  }
  return pieces;
}

CountedChange CountIncidentChange(const IncidentChange& change, const IncidentMarks& counted,
                                  const absl::TimeZone& zone) {
  CountedChange out{.events = {}, .marks = counted};
  if (!change.opened_at.has_value()) return out;
  const absl::Time opened = *change.opened_at;
  if (change.acknowledged_at.has_value() && !counted.acknowledged) {
    out.events.push_back(Milestone(
        change, *change.acknowledged_at,
        IncidentAcknowledged{.seconds = SecondsBetween(opened, *change.acknowledged_at)}));
    out.marks.acknowledged = true;
  }
  if (change.resolved_at.has_value() && !counted.resolved) {
    const absl::Time resolved = *change.resolved_at;
    out.events.push_back(
        Milestone(change, resolved, IncidentResolved{.seconds = SecondsBetween(opened, resolved)}));
    out.marks.resolved = true;
    if (change.outage && !change.drill) {
      for (const auto& [start, seconds] :
           SplitByMinute(WholeSeconds(opened), WholeSeconds(resolved), zone)) {
        out.events.push_back(Milestone(
            change, start,
            IncidentOutage{.platform = change.platform, .outage_seconds = seconds}));
      }
    }
  }
  return out;
}

}  // namespace sqms::metrics::domain
