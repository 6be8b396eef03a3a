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

Escalator::Written Escalator::Change(const std::string& incident_id, const Decide& decide) {
  for (int attempt = 0; attempt < 10; ++attempt) {
    auto current = store_.Get(incident_id);
    if (!current.ok()) return current.status();
    if (!current->has_value()) return std::nullopt;
    const ports::Incident& incident = **current;
    ports::IncidentWrite start;
    start.incident = incident;
    start.expected_version = incident.version;
    auto write = decide(incident, std::move(start));
    if (!write.ok() || !write->has_value()) return write;
    auto outcome = store_.Write(**write);
    if (!outcome.ok()) return outcome.status();
    if (*outcome == ports::WriteOutcome::kWritten) {
      if (!(*write)->deliveries.empty() && wake_) wake_();
      return write;
    }
  }
  return absl::AbortedError(absl::StrCat("incident ", incident_id, " kept changing; retried"));
}

absl::Status Escalator::ResolveQuiet(const std::string& incident_id, int64_t quiet_ms) {
  auto written = Change(
      incident_id, [&](const ports::Incident& incident, ports::IncidentWrite write) -> Written {
        if (!domain::IsActive(incident.state) || incident.FiringAlerts() > 0 ||
            incident.quiet_since == absl::InfinitePast() ||
            absl::ToUnixMillis(incident.quiet_since) != quiet_ms) {
          return std::nullopt;  // resolved meanwhile, or an alert fired again
        }
        auto deliveries = ReadDeliveries(store_, incident);
        if (!deliveries.ok()) return deliveries.status();
        auto catalog = catalog_.Snapshot();
        const domain::Plan* plan = catalog->FindPlan(incident.plan_id);
        const absl::Time now = clock_.Now();
        write.incident.quiet_since = absl::InfinitePast();
        changes::Resolve(
            plan, now, "system",
            absl::StrCat("every alert stayed resolved for ",
                         absl::FormatDuration(now - incident.quiet_since), " (flap protection)"),
            changes::PagedTiers(*deliveries, write), write);
        return write;
      });
  if (!written.ok()) return written.status();
  if (written->has_value() && resolved_) resolved_((*written)->incident);
  return absl::OkStatus();
}

absl::Status Escalator::Escalate(const std::string& incident_id, int64_t seq) {
  return Change(incident_id,
                [&](const ports::Incident& incident, ports::IncidentWrite write) -> Written {
                  if (incident.state != domain::IncidentState::kTriggered ||
                      incident.escalation_seq != seq) {
                    return std::nullopt;  // acknowledged, resolved, or this step already applied
                  }
                  const absl::Time now = clock_.Now();
                  if (incident.quiet_since != absl::InfinitePast()) {
                    // Flap protection's quiet spell: every alert resolved, so paging or
                    // escalating now only wakes people for nothing. The step is held,
                    // not dropped: next_escalation_at stays, and an alert firing again
                    // resumes the escalation with the time it had left
                    // (AlertProcessor::Join); otherwise the quiet timer resolves the
                    // incident.
                    changes::AddTimeline(
                        write.incident, now, "system", "escalation-held",
                        "no acknowledgement, but every alert is resolved: nobody paged "
                        "while the incident is quiet (flap protection)");
                    return write;
                  }
                  auto catalog = catalog_.Snapshot();
                  const domain::Plan* plan = catalog->FindPlan(incident.plan_id);
                  if (plan == nullptr) return UnknownPlan(incident);
                  // By the plan in force, which may have changed since the incident's
                  // last step: DueStep maps the step onto it, so this always pages.
                  std::optional<domain::EscalationStep> next =
                      domain::DueStep(plan->escalation, incident.step);
                  if (!next) return std::nullopt;  // no tiers at all (ValidatePlan refuses that)
                  write.incident.escalation_seq = seq + 1;
                  const bool repeat = next->tier == incident.step.tier;
                  // Past the chain's end the due step is the last one again.
                  const bool after_end = *next == incident.step;
                  changes::Page(*plan, *catalog, *next, repeat ? "repeated" : "escalated", now,
                                write);
                  changes::AddTimeline(
                      write.incident, now, "system", "escalated",
                      absl::StrCat("no acknowledgement: tier ", next->tier + 1,
                                   after_end ? " again (the chain has ended: paging the last "
                                               "tier until someone acknowledges)"
                                   : repeat  ? absl::StrCat(" again (", next->repeat, ")")
                                             : ""));
                  changes::ScheduleNext(*plan, now, write);
                  write.events.push_back(ports::IncidentEventKind::kEscalated);
                  return write;
                })
      .status();
}

absl::Status Escalator::ExpireAck(const std::string& incident_id, int64_t seq) {
  return Change(incident_id,
                [&](const ports::Incident& incident, ports::IncidentWrite write) -> Written {
                  // Only the acknowledgement that scheduled this timer expires:
                  // mitigating or resolving makes it moot, and so does a newer ack
                  // (after an expiry, which moved seq on). Joined alerts, notes and
                  // steps change the version but not seq: the acknowledgement still
                  // expires.
                  if (incident.state != domain::IncidentState::kAcknowledged ||
                      incident.escalation_seq != seq) {
                    return std::nullopt;
                  }
                  auto catalog = catalog_.Snapshot();
                  const domain::Plan* plan = catalog->FindPlan(incident.plan_id);
                  if (plan == nullptr) return UnknownPlan(incident);
                  const absl::Time now = clock_.Now();
                  if (incident.quiet_since != absl::InfinitePast()) {
                    // Flap protection's quiet spell, as in Escalate: every alert
                    // resolved, so paging again now wakes people for nothing. The
                    // expiry waits for the spell's end: resolved by then, this timer
                    // finds nothing to expire; an alert firing again meanwhile, the
                    // acknowledgement expires then (at most resolve_after late).
                    const absl::Time at = std::max(incident.quiet_since + plan->resolve_after,
                                                   now + absl::Seconds(1));
                    write.schedule.push_back({changes::AckExpiryTimer(incident.id, seq), at});
                    changes::AddTimeline(
                        write.incident, now, "system", "ack-expiry-held",
                        "acknowledgement expired, but every alert is resolved: nobody "
                        "paged while the incident is quiet (flap protection)");
                    return write;
                  }
                  auto triggered =
                      domain::Apply(incident.state, domain::IncidentCommandKind::kReopenAck);
                  if (!triggered.ok()) return std::nullopt;  // checked above; nothing to expire
                  write.incident.state = *triggered;
                  // The acknowledgement is over, not just the state: an incident
                  // paging again has no one holding it, and showing the old
                  // acknowledger as current would tell the on-call person someone is
                  // on it. Who acknowledged and when stays in the timeline.
                  write.incident.acknowledged_at = absl::InfinitePast();
                  write.incident.acknowledged_by.clear();
                  write.incident.acknowledged_tier = -1;
                  write.incident.escalation_seq += 1;
                  changes::AddTimeline(write.incident, now, "system", "ack-expired",
                                       "acknowledgement expired (plan ack_expiry): paging again");
                  // The tier it was at, mapped onto the plan in force (it may have
                  // changed).
                  changes::Page(*plan, *catalog,
                                domain::ClampStep(plan->escalation, write.incident.step),
                                "repeated", now, write);
                  changes::ScheduleNext(*plan, now, write);
                  write.events.push_back(ports::IncidentEventKind::kEscalated);
                  return write;
                })
      .status();
}

}  // namespace sqms::alerts::app
