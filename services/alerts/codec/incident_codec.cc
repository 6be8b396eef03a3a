#include "services/alerts/codec/incident_codec.h"

#include <algorithm>
#include <optional>

#include "services/alerts/codec/timestamp_codec.h"

namespace sqms::alerts::codec {
namespace {

namespace pb = ::sqms::alerts::v1;

double SecondsOr(const std::optional<absl::Duration>& d) {
  return d ? absl::ToDoubleSeconds(*d) : -1;
}

// The incident's steps as it opened with them (StepRecord::definition). A
// document stored before the definitions were kept: its records joined
// with the plan in force, as many as the longer has.
void StepsToProto(const ports::Incident& incident, const domain::Plan* plan, pb::Incident* out) {
  const bool recorded = std::all_of(incident.steps.begin(), incident.steps.end(),
                                    [](const ports::StepRecord& r) { return r.definition; });
  const size_t planned = plan != nullptr && !recorded ? plan->steps.size() : 0;
  const size_t count = std::max(planned, incident.steps.size());
  for (size_t i = 0; i < count; ++i) {
    pb::StepStatus* step = out->add_steps();
    step->set_index(static_cast<int32_t>(i));
    const domain::Step* defined = nullptr;
    if (i < incident.steps.size() && incident.steps[i].definition) {
      defined = &*incident.steps[i].definition;
    } else if (i < planned) {
      defined = &plan->steps[i];
    }
    if (defined != nullptr) {
      step->set_title(defined->title);
      step->set_owner_role(defined->owner_role);
      step->set_expected_minutes(defined->expected_minutes);
    }
    if (i < incident.steps.size()) {
      const ports::StepRecord& record = incident.steps[i];
      step->set_done(record.done);
      if (record.done && IsFinite(record.done_at)) {
        ToTimestamp(record.done_at, step->mutable_done_at());
      }
      step->set_done_by(record.done_by);
    }
  }
}

void TimelineEntryToProto(const ports::TimelineEntry& entry, pb::TimelineEntry* out) {
  if (IsFinite(entry.at)) ToTimestamp(entry.at, out->mutable_at());
  out->set_actor(entry.actor);
  out->set_kind(entry.kind);
  out->set_text(entry.text);
}

void DeliveryToProto(const ports::Delivery& d, pb::Delivery* out) {
  out->set_id(d.id);
  out->set_target(d.target);
  out->set_tier(d.tier);
  out->set_repeat(d.repeat);
  out->set_status(d.status);
  out->set_attempts(d.attempts);
  out->set_last_http_status(d.last_http_status);
  out->set_last_error(d.last_error);
  out->set_last_latency_ms(d.last_latency_ms);
}

}  // namespace

pb::IncidentState StateToProto(domain::IncidentState state) {
  switch (state) {
    case domain::IncidentState::kTriggered: return pb::INCIDENT_STATE_TRIGGERED;
    case domain::IncidentState::kAcknowledged: return pb::INCIDENT_STATE_ACKNOWLEDGED;
    case domain::IncidentState::kMitigating: return pb::INCIDENT_STATE_MITIGATING;
    case domain::IncidentState::kResolved: return pb::INCIDENT_STATE_RESOLVED;
    case domain::IncidentState::kClosed: return pb::INCIDENT_STATE_CLOSED;
  }
  return pb::INCIDENT_STATE_UNSPECIFIED;
}

pb::Incident IncidentToProto(const ports::Incident& incident, const app::CatalogData& catalog,
                             const std::vector<ports::Delivery>& deliveries) {
  pb::Incident out;
  out.set_id(incident.id);
  out.set_plan_id(incident.plan_id);
  out.set_risk_id(incident.risk_id);
  out.set_title(incident.title);
  out.set_level(incident.level);
  out.set_state(StateToProto(incident.state));
  out.set_drill(incident.drill);
  out.mutable_labels()->insert(incident.labels.begin(), incident.labels.end());
  if (IsFinite(incident.opened_at)) ToTimestamp(incident.opened_at, out.mutable_opened_at());
  if (IsFinite(incident.acknowledged_at)) {
    ToTimestamp(incident.acknowledged_at, out.mutable_acknowledged_at());
  }
  out.set_acknowledged_by(incident.acknowledged_by);
  if (IsFinite(incident.resolved_at)) ToTimestamp(incident.resolved_at, out.mutable_resolved_at());
  if (IsFinite(incident.closed_at)) ToTimestamp(incident.closed_at, out.mutable_closed_at());
  out.set_review(incident.review);
  out.set_tier(incident.step.tier);
  out.set_repeat(incident.step.repeat);
  out.set_alerts_firing(incident.FiringAlerts());
  out.set_alerts_total(incident.alerts_total);
  StepsToProto(incident, catalog.FindPlan(incident.plan_id), &out);
  for (const ports::TimelineEntry& e : incident.timeline) {
    TimelineEntryToProto(e, out.add_timeline());
  }
  for (const ports::Delivery& d : deliveries) DeliveryToProto(d, out.add_deliveries());
  out.set_version(incident.version);
  if (IsFinite(incident.next_escalation_at)) {
    ToTimestamp(incident.next_escalation_at, out.mutable_next_escalation_at());
  }
  out.set_outage(incident.outage);
  for (const std::string& c : incident.known_issue_categories) out.add_known_issue_categories(c);
  for (const std::string& c : incident.linked_complaints) out.add_linked_complaints(c);
  return out;
}

pb::Outcome OutcomeToProto(app::Outcome outcome) {
  switch (outcome) {
    case app::Outcome::kOpened: return pb::OUTCOME_OPENED;
    case app::Outcome::kGrouped: return pb::OUTCOME_GROUPED;
    case app::Outcome::kDuplicate: return pb::OUTCOME_DUPLICATE;
    case app::Outcome::kSilenced: return pb::OUTCOME_SILENCED;
    case app::Outcome::kInhibited: return pb::OUTCOME_INHIBITED;
    case app::Outcome::kResolved: return pb::OUTCOME_RESOLVED;
    case app::Outcome::kNoIncident: return pb::OUTCOME_NO_INCIDENT;
    case app::Outcome::kCounted: return pb::OUTCOME_COUNTED;
  }
  return pb::OUTCOME_UNSPECIFIED;
}

pb::AlertDecision DecisionToProto(const app::Decision& decision) {
  pb::AlertDecision out;
  out.set_plan_id(decision.plan_id);
  out.set_outcome(OutcomeToProto(decision.outcome));
  out.set_incident_id(decision.incident_id);
  out.set_silence_id(decision.silence_id);
  out.set_inhibited_by(decision.inhibited_by);
  return out;
}

pb::RaiseAlertResponse ProcessResultToProto(const app::ProcessResult& result) {
  pb::RaiseAlertResponse out;
  out.set_fingerprint(result.fingerprint);
  for (const app::Decision& d : result.decisions) *out.add_decisions() = DecisionToProto(d);
  return out;
}

pb::DrillReport DrillReportToProto(const app::DrillReport& report) {
  pb::DrillReport out;
  out.set_incident_id(report.incident_id);
  out.set_plan_id(report.plan_id);
  if (IsFinite(report.started_at)) ToTimestamp(report.started_at, out.mutable_started_at());
  out.set_seconds_to_acknowledge(SecondsOr(report.to_acknowledge));
  out.set_acknowledged_at_tier(report.acknowledged_at_tier);
  for (const auto& [tier, at] : report.tiers_notified) {
    pb::DrillTier* t = out.add_tiers();
    t->set_tier(tier);
    if (IsFinite(at)) ToTimestamp(at, t->mutable_notified_at());
  }
  for (const app::DrillReport::Step& s : report.steps) {
    pb::DrillStep* step = out.add_steps();
    step->set_index(s.index);
    step->set_title(s.title);
    step->set_expected_minutes(s.expected_minutes);
    step->set_done(s.taken.has_value());
    step->set_minutes_taken(s.taken ? absl::ToDoubleMinutes(*s.taken) : -1);
    step->set_late(s.late);
  }
  out.set_missed_steps(report.missed_steps);
  out.set_seconds_to_resolve(SecondsOr(report.to_resolve));
  out.set_previous_incident_id(report.previous_incident_id);
  out.set_previous_seconds_to_acknowledge(SecondsOr(report.previous_to_acknowledge));
  out.set_previous_seconds_to_resolve(SecondsOr(report.previous_to_resolve));
  return out;
}

}  // namespace sqms::alerts::codec
