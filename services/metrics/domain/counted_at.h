#pragma once
// When an event counts: the time that picks its windows. A KPI's
// numerator and denominator must cover the same things, so an event that
// completes something begun earlier counts where that began when the
// KPI's denominator is counted there.

#include "absl/time/time.h"
#include "services/metrics/domain/event.h"

namespace sqms::metrics::domain {

// The time `event` counts at — the windows (and the time-of-day band) it
// is filed in: its occurred_at, except a call's answer (CallAnswered) or
// abandonment (CallAbandoned), which counts at the call's offer, so that
// the numerator and denominator of answer rate, abandonment rate, service
// level and average speed of answer cover the same calls: a call offered
// at 23:59:50 and answered at 00:00:10 counts both in the day it was
// offered. The offer's time is the event's offered_at, which the contact
// gateway stamps from the call's call_offered (exact: the offer's own
// time); without one (or with one after occurred_at or before
// kCoveredFrom), occurred_at − wait_seconds (a negative wait taken as 0) —
// whole seconds, which can miss the offer's window by a fraction of a
// second at an edge. A call's end (CallEnded) counts at its occurred_at: average
// handle time is ended calls' handle seconds over ended calls, both from
// call_ended, so it is consistent as it is.
//
// Likewise a complaint's reopen (ComplaintReopened) and follow-up
// (ComplaintFollowedUp) count at the resolution they follow, their
// resolved_at: reopen rate and follow-up coverage divide by a window's
// resolutions, so each reads the share of that window's resolutions
// reopened, or followed up, so far — at most 100 %, where counting them on
// their own day read 200 % for a day with 2 reopens of earlier
// resolutions and 1 resolution. Without a resolved_at, or with one after
// occurred_at or before kCoveredFrom, at occurred_at.
//
// And a consultation's dispatch (ConsultationDispatched) counts at its
// consultation's creation, its created_at: the one-time answer rate divides
// a window's dispatches by its consultations (consultation_created, at its
// occurred_at), so a consultation created at 23:50 and dispatched at 00:30
// counts dispatched in the day it was created, not as a dispatch of a day
// that has no such consultation. Without a created_at (an event of a
// producer older than the field, or of a consultation the contact gateway
// knew no creation of), or with one after occurred_at or before
// kCoveredFrom, at occurred_at.
//
// Pure; never fails; never after occurred_at. Never before kCoveredFrom
// (window.h) unless occurred_at is: a wait reaching back before 1970
// counts at kCoveredFrom, so an event the decoders accepted (covered
// occurred_at) is always counted in covered windows.
absl::Time CountedAt(const Event& event);

}  // namespace sqms::metrics::domain
