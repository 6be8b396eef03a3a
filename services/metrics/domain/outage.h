#pragma once
// Contact outages (sqms.contact.v1 `outage_ended`) in the windows they span.
//
// An outage_ended event is dated at the outage's end and carries its length.
// System reliability is the outage time of each statistical period over
// that period's scheduled working time (requirements.md §2), so the outage
// counts where it was, minute window by minute window, as an incident's
// downtime does (incident.h, SplitByMinute): an outage from 23:00 to 01:00
// counts an hour in each of the two days, and a minute window never gets
// more than its own seconds. Each piece also counts as one `outage_ended`
// contribution in its window's lineage. Pure.

#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "services/metrics/domain/event.h"

namespace sqms::metrics::domain {

// The longest outage spread. The producer refuses longer than 30 days
// (complaints' max_outage); a longer one here is malformed input, refused
// rather than cut into hundreds of thousands of pieces.
inline constexpr absl::Duration kMaxOutage = absl::Hours(24 * 366);

// `event` alone unless it is an OutageEnded with outage_seconds > 0: then
// one event per minute window of `zone` that [end − outage_seconds, end)
// overlaps, `end` being its occurred_at in whole seconds (floored), each
// dated at its piece's start and carrying the piece's seconds, every other
// field as `event`'s; the pieces add up to outage_seconds. INVALID_ARGUMENT
// when outage_seconds exceeds kMaxOutage.
absl::StatusOr<std::vector<Event>> SpreadOutage(Event event, const absl::TimeZone& zone);

}  // namespace sqms::metrics::domain
