#pragma once
// Which dimensions a KPI can be broken down by. A unit's value is its
// numerator over its denominator, both counted from events that name that
// unit. Where an event type a KPI reads cannot name a unit of a dimension,
// the two sides count different units and the figure means nothing: calls
// are offered to a queue and abandoned there before any agent takes them,
// so "answer rate by agent" would divide each agent's answered calls by
// the calls offered to no agent (reviewers saw 200 % under "unknown"). Such
// a breakdown is refused, naming why, instead of shown. Plan and level are
// the incident events' own dimensions: only KPIs that read incident events
// alone break down by them.
//
// Only what is certain is refused: an agent is never on a call's offer or
// abandonment, a complaint's submission, an outage or an incident; any
// other event may carry one. The other dimensions (department, channel,
// category, region, station, band) are kept for every KPI: the contact
// gateway gives one set of them per contact (docs/api.md) — except band for
// system reliability, whose base (Bases::scheduled_seconds) is the whole
// window's scheduled time: a night band's outage over it would read 66.7 %
// for a night with every platform down. Pure.

#include <string>
#include <string_view>

#include "services/metrics/domain/dimension.h"
#include "services/metrics/domain/kpi.h"

namespace sqms::metrics::domain {

// Whether events of `event_type` (EventTypeName) can name their unit in
// `d` (always for the total).
bool CanNameUnit(std::string_view event_type, Dimension d);

// Whether every event type `kpi` reads can name its unit in `d`.
bool BreaksDownBy(const KpiDefinition& kpi, Dimension d);

// Why `kpi` does not break down by `d`, for an error message: "answer_rate
// is not broken down by agent: call_offered events carry no agent"; "" when
// it does.
std::string WhyNotBrokenDownBy(const KpiDefinition& kpi, Dimension d);

}  // namespace sqms::metrics::domain
