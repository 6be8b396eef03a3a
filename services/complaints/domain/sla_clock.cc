#include "services/complaints/domain/sla_clock.h"

#include <algorithm>

#include "services/complaints/domain/known_issue.h"
#include "services/complaints/domain/lifecycle.h"

namespace sqms::complaints::domain {

SlaDeadline StartDeadline(SlaTarget target, absl::Time start, absl::Duration duration,
                          double at_risk_share, const BusinessCalendar& calendar) {
  SlaDeadline d;
  d.target = target;
  d.due = calendar.Add(start, duration);
  d.at_risk_at = calendar.Add(start, duration * at_risk_share);
  return d;
}

void SetDeadline(SlaClock& clock, const SlaDeadline& deadline) {
  if (SlaDeadline* existing = clock.Find(deadline.target)) {
    *existing = deadline;
  } else {
    clock.deadlines.push_back(deadline);
  }
}

void RemoveDeadline(SlaClock& clock, SlaTarget target) {
  std::erase_if(clock.deadlines, [&](const SlaDeadline& d) { return d.target == target; });
}

std::optional<absl::Duration> PausedOpenTime(const SlaClock& clock,
                                             const BusinessCalendar& calendar) {
  if (calendar.always_open()) return clock.paused_total;
  return clock.paused_working;
}

std::optional<absl::Duration> PausedOpenTimeInCycle(const SlaClock& clock,
                                                    const BusinessCalendar& calendar) {
  std::optional<absl::Duration> paused = PausedOpenTime(clock, calendar);
  if (!paused || !clock.cycle) return paused;
  if (calendar.always_open()) return *paused - clock.cycle->paused_total_before;
  if (!clock.cycle->paused_working_before) return std::nullopt;
  return *paused - *clock.cycle->paused_working_before;
}

std::optional<absl::Duration> WorkingTimeSince(const SlaClock& clock, absl::Time received_at,
                                               absl::Time now, const BusinessCalendar& calendar) {
  std::optional<absl::Duration> paused = PausedOpenTime(clock, calendar);
  if (!paused) return std::nullopt;
  if (clock.paused) *paused += calendar.Between(clock.paused_since, now);
  return std::max(absl::ZeroDuration(), calendar.Between(received_at, now) - *paused);
}

void MeetDeadline(SlaClock& clock, SlaTarget target, absl::Time now, absl::Time received_at,
                  const BusinessCalendar& calendar) {
  SlaDeadline* d = clock.Find(target);
  if (d == nullptr || d->met_at) return;
  d->met_at = now;
  d->met_after_working = WorkingTimeSince(clock, received_at, now, calendar);  // nullopt: unknown
}

void PauseClock(SlaClock& clock, absl::Time now) {
  if (clock.paused) return;
  clock.paused = true;
  clock.paused_since = now;
}

void ResumeClock(SlaClock& clock, absl::Time now, const BusinessCalendar& calendar,
                 const BusinessCalendar& business_hours) {
  if (!clock.paused) return;
  const absl::Time since = clock.paused_since;
  auto shift = [&](absl::Time moment) {
    if (moment <= since) return moment;  // already passed when paused
    return calendar.Add(now, calendar.Between(since, moment));
  };
  for (SlaDeadline& d : clock.deadlines) {
    if (d.met_at) continue;
    if (!d.at_risk) d.at_risk_at = shift(d.at_risk_at);
    d.due = shift(d.due);
  }
  if (now > since) clock.paused_total += now - since;
  if (clock.paused_working) *clock.paused_working += business_hours.Between(since, now);
  clock.paused = false;
  clock.paused_since = absl::InfinitePast();
}

std::vector<SlaTimer> PendingTimers(const Complaint& complaint) {
  std::vector<SlaTimer> timers;
  if (complaint.sla.paused && complaint.status == Status::kWaitingCustomer &&
      complaint.sla.wait_until != absl::InfiniteFuture()) {
    timers.push_back({SlaTarget::kUnspecified, false, complaint.sla.wait_until});
    return timers;
  }
  if (complaint.sla.paused || complaint.status == Status::kClosed) return timers;
  if (SlaHeld(complaint)) return timers;
  for (const SlaDeadline& d : complaint.sla.deadlines) {
    if (d.met_at) continue;
    if (!d.at_risk) timers.push_back({d.target, false, d.at_risk_at});
    if (!d.breached) timers.push_back({d.target, true, d.due});
  }
  return timers;
}

}  // namespace sqms::complaints::domain
