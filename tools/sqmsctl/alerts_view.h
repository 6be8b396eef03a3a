// Human renderings of sqms.alerts.v1 answers for `sqmsctl incident | plan |
// risk | silence | drill` (`silence muted` too). Pure: no I/O, no RPC;
// times through FormatTimestamp (the operator's zone).
//
// Conventions:
//   tiers     from 1, as the service's timeline and pages count them
//             ("tier 1: zhang-min, role:duty-manager via ops-webhook"); the
//             proto's numbers (and -o json) are 0-based. "1 r2" is tier 1's
//             second repeat
//   durations absl's shortest form: "5m", "1h30m", "2m5s", "0s"
//   matchers  Alertmanager text: alertname="kpi_breached", station=~"北京.*"
//   a drill   "[drill]" after the state (details), and after the title in
//             tables unless the title starts "[DRILL]" (as the service's do)
#pragma once

#include <string>

#include "absl/time/time.h"
#include "sqms/alerts/v1/service.pb.h"
#include "tools/sqmsctl/output.h"

namespace sqms::tools {

// "triggered", "acknowledged", "mitigating", "resolved", "closed".
std::string IncidentStateText(alerts::v1::IncidentState state);

// label op "value": severity="page", station=~"北京.*".
std::string MatcherText(const alerts::v1::Matcher& matcher);

// The matchers joined by ", " in braces: {alertname="x", category="safety"};
// a counting trigger adds " ×3 within 1h".
std::string TriggerText(const alerts::v1::Trigger& trigger);

// Whole seconds in absl's shortest form ("5m", "1h30m", "45s", "0s"); "-"
// for a negative number (the service's "not yet").
std::string SecondsText(double seconds);

// One row per incident, in the answer's order (newest first): ID, LEVEL,
// STATE, PLAN, TITLE (truncated; "[drill]" appended to a drill's title
// that does not start "[DRILL]"), OPENED, TIER (tier,
// " r<repeat>" when repeated), FIRING (firing/total alerts).
Table IncidentsTable(const alerts::v1::ListIncidentsResponse& response);
// That table, then "N incident(s)", then "next page: --page-token T" when a
// next page follows.
std::string IncidentsText(const alerts::v1::ListIncidentsResponse& response);

// Lines for `incident watch`, one per change as it arrives: fixed columns
// (as `watch`'s), AT (when received, the operator's zone), ID, LEVEL,
// STATE, TIER, FIRING, VERSION, PLAN, then TITLE (last, unpadded; drills
// marked as in IncidentsTable).
std::string IncidentWatchHeader();
std::string IncidentWatchLine(const alerts::v1::Incident& incident, absl::Time received);

// "key: value" lines: id, title, state (drill, outage), level, plan, risk,
// group labels, opened / acknowledged (by) / resolved / closed, tier and
// the next escalation, alerts firing/total, linked complaints, version and
// review; then the steps as a table (#, DONE, TITLE, OWNER, EXPECTED, DONE
// AT, BY). With `full` also the timeline (AT, ACTOR, KIND, TEXT) and the
// deliveries (ID, TARGET, TIER, STATUS, ATTEMPTS, HTTP, LATENCY, ERROR),
// each under its own heading, "(none)" when empty.
std::string IncidentDetail(const alerts::v1::Incident& incident, bool full);

// RaiseAlert: "fingerprint: …", then one row per plan's decision (PLAN,
// OUTCOME, INCIDENT, DETAIL — the silence or the inhibiting incident), or
// "no plan matched".
std::string RaiseAlertText(const alerts::v1::RaiseAlertResponse& response);

// ID, NAME, LEVEL, RISK, TRIGGERS (count), STEPS (count), TIERS (count),
// FLAGS (auto-resolve, outage).
Table PlansTable(const alerts::v1::ListPlansResponse& response);

// A plan: id, name, level, risk, version, group by, auto-resolve, outage,
// ack expiry; the triggers as matcher text; the steps (#, TITLE, OWNER,
// EXPECTED); the escalation tiers (TIER, NOTIFY, TARGETS, ACK TIMEOUT,
// REPEATS).
std::string PlanDetail(const alerts::v1::Plan& plan);

// ID, NAME, PROBABILITY, IMPACT, SCORE, LEVEL, PLANS (comma-separated, "-"
// when none), highest score first (ties in the register's order).
Table RisksTable(const alerts::v1::ListRisksResponse& response);

// ID, STATE, MATCHERS, STARTS, ENDS ("never" for an open-ended window),
// WINDOW ("mon,sun 01:00 for 2h", "daily 01:00 for 2h" or "-"), BY,
// COMMENT (truncated).
Table SilencesTable(const alerts::v1::ListSilencesResponse& response);

// One row per kept muted alert, in the answer's order (oldest kept first):
// FINGERPRINT, KEPT, SOURCE, MUTED BY (per plan "safety: silence sil-1",
// "outage: inhibited by INC-7", joined by "; "), LABELS ("k=v, k=v" by
// name, truncated).
Table MutedAlertsTable(const alerts::v1::ListMutedAlertsResponse& response);
// That table, then "N muted alert(s)" ("N of M" when more matched), then
// "next page: --page-token T" when a next page follows.
std::string MutedAlertsText(const alerts::v1::ListMutedAlertsResponse& response);

// The drill report: incident, plan, start, time to acknowledge and the tier
// it was acknowledged at, time to resolve, the tiers notified (TIER,
// NOTIFIED, AFTER the start), the steps with the missed count in the
// heading (#, STEP, EXPECTED, TAKEN, RESULT: "on time", "late" or "missed"
// for a step not done), then the previous drill of the plan: its times to
// acknowledge and resolve against this one's, with the change ("1m5s
// faster", "slower", "as before"), or "none".
std::string DrillReportText(const alerts::v1::DrillReport& report);

}  // namespace sqms::tools
