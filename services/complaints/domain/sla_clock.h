#pragma once
// SLA clock operations behind lifecycle.h (which states the rules). Pure
// functions on an SlaClock; internal to the domain, but usable by tests.

#include <optional>

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

// The open time of `calendar` spent in finished pauses: the wall time
// paused on a 24x7 calendar, paused_working on the business-hours one;
// nullopt when that is unknown (SlaClock::paused_working).
std::optional<absl::Duration> PausedOpenTime(const SlaClock& clock,
                                             const BusinessCalendar& calendar);

// PausedOpenTime of the current handling cycle only: less what had been
// paused when the cycle started (SlaClock::cycle; all of it for the first
// cycle). nullopt when unknown (either total unknown).
std::optional<absl::Duration> PausedOpenTimeInCycle(const SlaClock& clock,
                                                    const BusinessCalendar& calendar);

// Working time from `received_at` to `now` on `calendar` (the complaint's,
// by its priority now): its open time in between minus its open time spent
// paused, a pause still running counted up to `now`. Never negative;
// nullopt when PausedOpenTime is.
std::optional<absl::Duration> WorkingTimeSince(const SlaClock& clock, absl::Time received_at,
                                               absl::Time now, const BusinessCalendar& calendar);

// Marks `target` met at `now`, with met_after_working = WorkingTimeSince(
// received_at, now) (unset when unknown); no-op when absent or already met.
void MeetDeadline(SlaClock& clock, SlaTarget target, absl::Time now, absl::Time received_at,
                  const BusinessCalendar& calendar);

// Stops the clock at `now` (no-op when already paused).
void PauseClock(SlaClock& clock, absl::Time now);

// Restarts a paused clock at `now`: every unmet moment (due, and at_risk_at
// unless already fired) that was still ahead at the pause keeps its remaining
// business time: new = calendar.Add(now, calendar.Between(paused_since, old)).
// Moments already passed at the pause stay where they were. Adds the wall
// time paused to paused_total and its open time on `business_hours` to
// paused_working (when known). No-op when not paused.
void ResumeClock(SlaClock& clock, absl::Time now, const BusinessCalendar& calendar,
                 const BusinessCalendar& business_hours);

}  // namespace sqms::complaints::domain
