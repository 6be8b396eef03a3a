#pragma once
// SLA clock operations behind lifecycle.h (which states the rules). Pure
// functions on an SlaClock; internal to the domain, but usable by tests.

#include "absl/time/time.h"
#include "services/complaints/domain/business_calendar.h"
#include "services/complaints/domain/model.h"

namespace sqms::complaints::domain {

// A deadline for `target` starting at `start`: due = calendar.Add(start,
// duration); at_risk_at = calendar.Add(start, share × duration).
SlaDeadline StartDeadline(SlaTarget target, absl::Time start, absl::Duration duration,
                          double at_risk_share, const BusinessCalendar& calendar);

// Replaces the deadline of the same target, or appends it.
void SetDeadline(SlaClock& clock, const SlaDeadline& deadline);
void RemoveDeadline(SlaClock& clock, SlaTarget target);

// Working time from `received_at` to `now`: the calendar's open time in
// between minus the open time the clock spent paused (a pause still running
// counts up to `now`). Never negative. After a reclassification the open
// time is measured on the new priority's calendar and finished pauses on
// the one in force when they ended.
absl::Duration WorkingTimeSince(const SlaClock& clock, absl::Time received_at, absl::Time now,
                                const BusinessCalendar& calendar);

// Marks `target` met at `now`, with met_after_working = WorkingTimeSince(
// received_at, now); no-op when absent or already met.
void MeetDeadline(SlaClock& clock, SlaTarget target, absl::Time now, absl::Time received_at,
                  const BusinessCalendar& calendar);

// Stops the clock at `now` (no-op when already paused).
void PauseClock(SlaClock& clock, absl::Time now);

// Restarts a paused clock at `now`: every unmet moment (due, and at_risk_at
// unless already fired) that was still ahead at the pause keeps its remaining
// business time: new = calendar.Add(now, calendar.Between(paused_since, old)).
// Moments already passed at the pause stay where they were. Adds the wall
// time paused to paused_total and its open time on `calendar` to
// paused_working. No-op when not paused.
void ResumeClock(SlaClock& clock, absl::Time now, const BusinessCalendar& calendar);

}  // namespace sqms::complaints::domain
