#pragma once
// Kafka event payloads → alerts. The only place in the alerts service that
// knows the shapes of sqms.events.v1.ComplaintEvent (topic
// sqms.complaints.v1) and sqms.events.v1.KpiEvent (topic sqms.kpi.v1).
//
// Both functions are pure and thread-safe. Each returns:
//  - an alert, when the event is one plans can react to;
//  - nullopt, when the event type raises nothing (the consumer skips it);
//  - INVALID_ARGUMENT when the payload does not parse, lacks its event time,
//    or yields labels domain::ValidateLabels refuses — a permanent error: the
//    consumer dead-letters the record after its attempts.
//
// The alert's id is `ce_id` (the CloudEvents id header), or the payload's
// event_id when `ce_id` is empty; both are the same by the producers'
// contract. That id is what makes a redelivered record recognisable to
// app::AlertProcessor.

#include <optional>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "services/alerts/domain/alert.h"

namespace sqms::alerts::codec {

// SUBMITTED → alertname "complaint_submitted", SLA_AT_RISK →
// "complaint_sla_at_risk", SLA_BREACHED → "complaint_sla_breached";
// RECLASSIFIED of a complaint whose category is now safety →
// "complaint_reclassified" (an agent's correction of triage into safety
// must reach the safety plan as a submission would; safety is always P1, so
// such an event is a reclassification into safety); every other type, and
// a reclassification to any other category → nullopt.
//
// Labels (a label whose value would be empty is left out): alertname,
// source="complaints", category ("safety", …), priority ("P1".."P4"),
// department, station, region, channel ("hotline", …), complaint_id, and on
// SLA events sla_target ("first_response" | "resolution" | "follow_up").
// Annotations: title (already masked by the producer), summary, and on SLA
// events due (RFC 3339) when the deadline has one.
// source "complaints", firing, at = occurred_at, drill false (complaints
// carry no drill flag).
absl::StatusOr<std::optional<domain::Alert>> ComplaintEventToAlert(std::string_view payload,
                                                                   const std::string& ce_id);

// BREACHED → alertname "kpi_breached", firing; RECOVERED → "kpi_breached"
// with firing false (the same labels, so the same fingerprint: it resolves
// the breach's alert); TARGET_MISSED_REPEATEDLY →
// "kpi_target_missed_repeatedly", firing; SURGE → "kpi_surge", firing;
// SURGE_ENDED → "kpi_surge" with firing false (same labels: it resolves the
// surge's alert); UNSPECIFIED or unknown → nullopt.
//
// Labels: alertname, source="metrics", kpi, dimension, unit, window, and
// department / station / region = unit when the dimension is that one.
// The period is deliberately NOT a label: a breach that lasts past the
// window's end (midnight) stays one alert. Annotations: period, value (when
// known), threshold, sample, direction, consecutive_misses (repeated misses
// only), baseline (when known), baseline_weeks and factor (surges only),
// summary. source "metrics", at = occurred_at, drill false.
absl::StatusOr<std::optional<domain::Alert>> KpiEventToAlert(std::string_view payload,
                                                             const std::string& ce_id);

// True when `name` is a complaint category as the `category` label spells
// it ("safety", "network_fault"; not "unspecified"). Plans' known-issue
// categories must be one.
bool IsComplaintCategory(std::string_view name);

}  // namespace sqms::alerts::codec
