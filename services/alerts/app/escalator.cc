#include "services/alerts/app/escalator.h"

#include <algorithm>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace sqms::alerts::app {
namespace {

// An incident's plan is neither in force nor retired here: not yet
// installed by the plan refresh (the store was unreachable at start-up),
// or gone with nothing of it recorded (app/plan_changes.h logs that). The
// timer must not be dropped — pages stop only at acknowledgement — so it
// fails and the durable timers retry it with backoff.
absl::Status UnknownPlan(const ports::Incident& incident) {
  return absl::UnavailableError(absl::StrCat("plan ", incident.plan_id, " of incident ",
                                             incident.id,
                                             " is not known here (yet); retried until it is"));
}

}  // namespace

Escalator::Escalator(ports::AlertStore& store, const Catalog& catalog, const runtime::Clock& clock,
                     std::function<void()> wake)
    : store_(store), catalog_(catalog), clock_(clock), wake_(std::move(wake)) {}

absl::Status Escalator::OnTimer(const std::string& timer_id) {
  std::vector<std::string> parts = absl::StrSplit(timer_id, '|');
  int64_t number = 0;
  if (parts.size() != 3 || !absl::SimpleAtoi(parts[2], &number)) return absl::OkStatus();
  if (parts[0] == "esc") return Escalate(parts[1], number);
  if (parts[0] == "ackx") return ExpireAck(parts[1], number);
  if (parts[0] == "quiet") return ResolveQuiet(parts[1], number);
  return absl::OkStatus();
}

absl::Status Escalator::ResolveQuiet(const std::string& incident_id, int64_t quiet_ms) {
  for (int attempt = 0; attempt < 10; ++attempt) {
    auto current = store_.Get(incident_id);
    if (!current.ok()) return current.status();
    if (!current->has_value()) return absl::OkStatus();
    const ports::Incident& incident = **current;
    if (!domain::IsActive(incident.state) || incident.FiringAlerts() > 0 ||
        incident.quiet_since == absl::InfinitePast() ||
        absl::ToUnixMillis(incident.quiet_since) != quiet_ms) {
      return absl::OkStatus();  // resolved meanwhile, or an alert fired again
    }
    auto catalog = catalog_.Snapshot();
    const domain::Plan* plan = catalog->FindPlan(incident.plan_id);
    const absl::Time now = clock_.Now();
    ports::IncidentWrite write;
    write.incident = incident;
    write.expected_version = incident.version;
    write.incident.quiet_since = absl::InfinitePast();
    changes::Resolve(plan, now, "system",
                     absl::StrCat("every alert stayed resolved for ",
                                  absl::FormatDuration(now - incident.quiet_since),
                                  " (flap protection)"),
                     write);
    auto outcome = store_.Write(write);
    if (!outcome.ok()) return outcome.status();
    if (*outcome == ports::WriteOutcome::kWritten) {
      if (resolved_) resolved_(write.incident);
      if (wake_) wake_();
      return absl::OkStatus();
    }
  }
  return absl::AbortedError(absl::StrCat("incident ", incident_id, " kept changing; retried"));
}

absl::Status Escalator::Escalate(const std::string& incident_id, int64_t seq) {
  // A conflict means someone else changed the incident meanwhile (an ack, a
  // new alert): re-read and decide again.
  for (int attempt = 0; attempt < 10; ++attempt) {
    auto current = store_.Get(incident_id);
    if (!current.ok()) return current.status();
    if (!current->has_value()) return absl::OkStatus();
    const ports::Incident& incident = **current;
    if (incident.state != domain::IncidentState::kTriggered || incident.escalation_seq != seq) {
      return absl::OkStatus();  // acknowledged, resolved, or this step already applied
    }
    const absl::Time now = clock_.Now();
    if (incident.quiet_since != absl::InfinitePast()) {
      // Flap protection's quiet spell: every alert resolved, so paging or
      // escalating now only wakes people for nothing. The step is held, not
      // dropped: next_escalation_at stays, and an alert firing again
      // resumes the escalation with the time it had left (AlertProcessor::
      // Join); otherwise the quiet timer resolves the incident.
      ports::IncidentWrite write;
      write.incident = incident;
      write.expected_version = incident.version;
      changes::AddTimeline(write.incident, now, "system", "escalation-held",
                           "no acknowledgement, but every alert is resolved: nobody paged while "
                           "the incident is quiet (flap protection)");
      auto outcome = store_.Write(write);
      if (!outcome.ok()) return outcome.status();
      if (*outcome == ports::WriteOutcome::kWritten) return absl::OkStatus();
      continue;
    }
    auto catalog = catalog_.Snapshot();
    const domain::Plan* plan = catalog->FindPlan(incident.plan_id);
    if (plan == nullptr) return UnknownPlan(incident);
    // By the plan in force, which may have changed since the incident's
    // last step: DueStep maps the step onto it, so this always pages.
    std::optional<domain::EscalationStep> next = domain::DueStep(plan->escalation, incident.step);
    if (!next) return absl::OkStatus();  // no tiers at all (ValidatePlan refuses that)
    ports::IncidentWrite write;
    write.incident = incident;
    write.expected_version = incident.version;
    write.incident.escalation_seq = seq + 1;
    const bool repeat = next->tier == incident.step.tier;
    changes::Page(*plan, *catalog, *next, repeat ? "repeated" : "escalated", now, write);
    changes::AddTimeline(write.incident, now, "system", "escalated",
                         absl::StrCat("no acknowledgement: tier ", next->tier + 1,
                                      repeat ? absl::StrCat(" again (", next->repeat, ")") : ""));
    changes::ScheduleNext(*plan, now, write);
    write.events.push_back(ports::IncidentEventKind::kEscalated);
    auto outcome = store_.Write(write);
    if (!outcome.ok()) return outcome.status();
    if (*outcome == ports::WriteOutcome::kWritten) {
      if (wake_) wake_();
      return absl::OkStatus();
    }
  }
  return absl::AbortedError(absl::StrCat("incident ", incident_id, " kept changing; retried"));
}

absl::Status Escalator::ExpireAck(const std::string& incident_id, int64_t seq) {
  // A conflict is another change landing between the read and the write (a
  // note, a joined alert): re-read and decide again, as Escalate does. The
  // timer is done once this returns OK, so giving up would leave the
  // incident acknowledged for good, paging nobody.
  for (int attempt = 0; attempt < 10; ++attempt) {
    auto current = store_.Get(incident_id);
    if (!current.ok()) return current.status();
    if (!current->has_value()) return absl::OkStatus();
    const ports::Incident& incident = **current;
    // Only the acknowledgement that scheduled this timer expires: mitigating
    // or resolving makes it moot, and so does a newer ack (after an expiry,
    // which moved seq on). Joined alerts, notes and steps change the version
    // but not seq: the acknowledgement still expires.
    if (incident.state != domain::IncidentState::kAcknowledged || incident.escalation_seq != seq) {
      return absl::OkStatus();
    }
    auto catalog = catalog_.Snapshot();
    const domain::Plan* plan = catalog->FindPlan(incident.plan_id);
    if (plan == nullptr) return UnknownPlan(incident);
    const absl::Time now = clock_.Now();
    ports::IncidentWrite write;
    write.incident = incident;
    write.expected_version = incident.version;
    if (incident.quiet_since != absl::InfinitePast()) {
      // Flap protection's quiet spell, as in Escalate: every alert resolved,
      // so paging again now wakes people for nothing. The expiry waits for
      // the spell's end: resolved by then, this timer finds nothing to
      // expire; an alert firing again meanwhile, the acknowledgement
      // expires then (at most resolve_after late).
      const absl::Time at =
          std::max(incident.quiet_since + plan->resolve_after, now + absl::Seconds(1));
      write.schedule.push_back({changes::AckExpiryTimer(incident.id, seq), at});
      changes::AddTimeline(write.incident, now, "system", "ack-expiry-held",
                           "acknowledgement expired, but every alert is resolved: nobody paged "
                           "while the incident is quiet (flap protection)");
      auto outcome = store_.Write(write);
      if (!outcome.ok()) return outcome.status();
      if (*outcome == ports::WriteOutcome::kWritten) return absl::OkStatus();
      continue;
    }
    auto triggered = domain::Apply(incident.state, domain::IncidentCommandKind::kReopenAck);
    if (!triggered.ok()) return absl::OkStatus();  // checked above; nothing to expire
    write.incident.state = *triggered;
    // The acknowledgement is over, not just the state: an incident paging
    // again has no one holding it, and showing the old acknowledger as
    // current would tell the on-call person someone is on it. Who
    // acknowledged and when stays in the timeline.
    write.incident.acknowledged_at = absl::InfinitePast();
    write.incident.acknowledged_by.clear();
    write.incident.acknowledged_tier = -1;
    write.incident.escalation_seq += 1;
    changes::AddTimeline(write.incident, now, "system", "ack-expired",
                         "acknowledgement expired (plan ack_expiry): paging again");
    // The tier it was at, mapped onto the plan in force (it may have changed).
    changes::Page(*plan, *catalog, domain::ClampStep(plan->escalation, write.incident.step),
                  "repeated", now, write);
    changes::ScheduleNext(*plan, now, write);
    write.events.push_back(ports::IncidentEventKind::kEscalated);
    auto outcome = store_.Write(write);
    if (!outcome.ok()) return outcome.status();
    if (*outcome == ports::WriteOutcome::kWritten) {
      if (wake_) wake_();
      return absl::OkStatus();
    }
  }
  return absl::AbortedError(absl::StrCat("incident ", incident_id, " kept changing; retried"));
}

}  // namespace sqms::alerts::app
