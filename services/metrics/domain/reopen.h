#pragma once
// First-contact resolution (一次解决率, issue 8 §2): the share of complaints
// resolved for the first time that were not reopened afterwards. "A
// reopened complaint revokes the first-contact resolution it had counted,
// as a correction too":
//
//   Counted   A complaint's first resolution (ComplaintResolved with
//             reopens_before == 0) adds first_resolutions in the windows of
//             the resolution (counters.h).
//   Revoked   The reopen that reopens that resolution — the complaint's
//             first reopen (reopen_count == 1 after it) — adds
//             first_resolutions_revoked in the windows of the *resolution*,
//             not of the reopen: RevocationOf dates a
//             ComplaintResolutionRevoked at the resolution's time. When
//             those windows have closed, the consumer's lateness rule makes
//             it a correction (their revision rises; kpi_processor.h).
//   Nothing   Later reopens (reopen_count > 1) revoke nothing: the
//             resolution they reopen was not a first one and was never
//             counted. A reopen that does not say when the resolution it
//             reopens happened, or says a time after the reopen itself, or
//             reopen_count 0, counts nothing either: the resolution is not
//             in a known window.
//
// Counters only add, so the revocation is a second counter, not a
// subtraction: first_contact_resolution = (1 − revoked / first resolutions)
// × 100 % (kpi.cc). A resolution the service never saw (before the topic's
// retention) can still be revoked; such a window shows it as a value below
// what it should be, never hidden.

#include <optional>

#include "services/metrics/domain/event.h"

namespace sqms::metrics::domain {

// The revocation `reopened` causes by the rules above: an event with the
// same id, dimensions and drill flag, dated at the revoked resolution,
// body ComplaintResolutionRevoked; nullopt when it revokes nothing or
// `reopened` is not a ComplaintReopened. Pure.
std::optional<Event> RevocationOf(const Event& reopened);

}  // namespace sqms::metrics::domain
