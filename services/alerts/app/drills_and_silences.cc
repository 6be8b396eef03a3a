// IncidentCommands: drills (StartDrill, Report), silences and the kept
// muted alerts they hold.
#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "services/alerts/app/alert_processor.h"
#include "services/alerts/app/escalator.h"
#include "services/alerts/app/incident_commands.h"
#include "services/alerts/app/request_ids.h"
#include "services/alerts/domain/request_fingerprint.h"
#include "sqms/runtime/field_violation.h"
#include "sqms/runtime/ids.h"

namespace sqms::alerts::app {

absl::StatusOr<ports::Incident> IncidentCommands::StartDrill(const std::string& plan_id,
                                                             const domain::Labels& labels,
                                                             const CommandContext& ctx) {
  if (ctx.request_id.empty()) return runtime::InvalidArgument({{"request_id", "required"}});
  auto catalog = catalog_.Snapshot();
  // A retired plan opens nothing, drills included.
  const domain::Plan* plan = catalog->FindPlanInForce(plan_id);
  if (plan == nullptr) {
    return runtime::InvalidArgument(
        {{"plan_id", catalog->IsRetired(plan_id)
                         ? absl::StrCat("plan \"", plan_id, "\" is retired (gone from the config)")
                         : absl::StrCat("no plan \"", plan_id, "\"")}});
  }
  // Before the id below is looked at: a drill found under it is then this
  // very command's, never what another command left under the request id.
  const std::string canonical = domain::CanonicalDrill(plan_id, labels, ctx.actor);
  if (auto s = BindRequestId(store_, ctx.request_id, canonical); !s.ok()) return s;
  // The id follows from the request id and the command, so a retry finds
  // its own drill — also after the binding expired (drills are kept for
  // good), when the id may come again with another command.
  const std::string id = absl::StrCat(
      "drill-", domain::Fingerprint({{"request_id", ctx.request_id}, {"command", canonical}}));
  if (auto existing = store_.Get(id); !existing.ok() || existing->has_value()) {
    if (!existing.ok()) return existing.status();
    return **existing;
  }
  const absl::Time now = clock_.Now();
  const domain::Labels group = domain::GroupLabels(*plan, labels);
  domain::Labels first = labels;
  first["drill"] = "true";
  ports::IncidentWrite write;
  write.incident = changes::NewIncident(*plan, group, absl::StrCat("drill|", id), first,
                                        "", /*drill=*/true, now);
  write.incident.id = id;
  write.incident.alerts[domain::Fingerprint(first)] = true;
  write.incident.alerts_total = 1;
  write.actor = ctx.actor;
  write.request_id = ctx.request_id;
  changes::AddTimeline(write.incident, now, ctx.actor, "drill", "drill started");
  changes::Page(*plan, *catalog, {0, 0}, "triggered", now, write);
  changes::ScheduleNext(*plan, now, write);
  write.events.push_back(ports::IncidentEventKind::kOpened);
  auto outcome = store_.Write(write);
  if (!outcome.ok()) return outcome.status();
  if (*outcome != ports::WriteOutcome::kWritten) return Get(id);
  if (wake_) wake_();
  return write.incident;
}

namespace {
std::optional<absl::Duration> Since(absl::Time from, absl::Time to) {
  if (to == absl::InfinitePast() || to == absl::InfiniteFuture()) return std::nullopt;
  return to - from;
}
}  // namespace

absl::StatusOr<DrillReport> IncidentCommands::Report(const std::string& incident_id) {
  auto incident = Get(incident_id);
  if (!incident.ok()) return incident.status();
  if (!incident->drill) {
    return absl::FailedPreconditionError(absl::StrCat("incident ", incident_id, " is not a drill"));
  }
  auto catalog = catalog_.Snapshot();
  const domain::Plan* plan = catalog->FindPlan(incident->plan_id);
  DrillReport r;
  r.incident_id = incident->id;
  r.plan_id = incident->plan_id;
  r.started_at = incident->opened_at;
  r.to_acknowledge = Since(incident->opened_at, incident->acknowledged_at);
  r.acknowledged_at_tier = incident->acknowledged_tier;
  r.to_resolve = Since(incident->opened_at, incident->resolved_at);
  std::map<int, absl::Time> tiers;
  for (const std::string& id : incident->deliveries) {
    auto d = store_.GetDelivery(id);
    if (!d.ok()) return d.status();
    // A page the acknowledgement cancelled before it was sent told its tier
    // nothing: the drill's escalation stopped before reaching it.
    if (!d->has_value() || !(*d)->IsPage() || (*d)->status == "cancelled") continue;
    auto [it, added] = tiers.emplace((*d)->tier, (*d)->created_at);
    if (!added) it->second = std::min(it->second, (*d)->created_at);
  }
  r.tiers_notified.assign(tiers.begin(), tiers.end());
  for (size_t s = 0; s < incident->steps.size(); ++s) {
    DrillReport::Step step;
    step.index = static_cast<int>(s);
    // As the drill opened with it (a plan changed since judges nothing).
    const domain::Step* defined =
        incident->steps[s].definition
            ? &*incident->steps[s].definition
            : (plan != nullptr && s < plan->steps.size() ? &plan->steps[s] : nullptr);
    if (defined != nullptr) {
      step.title = defined->title;
      step.expected_minutes = defined->expected_minutes;
    }
    // expected_minutes 0: the plan sets no time for the step.
    const bool timed = step.expected_minutes > 0;
    const absl::Duration expected = absl::Minutes(step.expected_minutes);
    if (incident->steps[s].done) {
      step.taken = incident->steps[s].done_at - incident->opened_at;
      step.late = timed && *step.taken > expected;
    } else if (r.to_resolve.has_value() ||
               (timed && clock_.Now() - incident->opened_at > expected)) {
      ++r.missed_steps;  // the drill ended (resolved), or the step's time passed, without it
    }
    r.steps.push_back(std::move(step));
  }
  auto previous = store_.List(
      {.active_only = false, .plan_id = incident->plan_id, .limit = 1000, .after = std::nullopt});
  if (!previous.ok()) return previous.status();
  for (const ports::Incident& p : *previous) {  // newest first
    if (!p.drill || p.id == incident->id || p.opened_at >= incident->opened_at) continue;
    r.previous_incident_id = p.id;
    r.previous_to_acknowledge = Since(p.opened_at, p.acknowledged_at);
    r.previous_to_resolve = Since(p.opened_at, p.resolved_at);
    break;
  }
  return r;
}

absl::StatusOr<domain::Silence> IncidentCommands::CreateSilence(domain::Silence silence,
                                                                const CommandContext& ctx) {
  if (ctx.request_id.empty()) return runtime::InvalidArgument({{"request_id", "required"}});
  const absl::Time now = clock_.Now();
  // The silence as asked for, before the service fills in its defaults.
  const std::string canonical = domain::CanonicalSilence(silence, ctx.actor);
  // Of the request id and the command, as a drill's (StartDrill): silences
  // are kept at least 8 days after they end, their request ids' bindings
  // 8 days. A silence under this id is this very command's (the id is made
  // of both): a retry gets it, whenever it comes, even once it ended.
  silence.id = absl::StrCat(
      "sil-", domain::Fingerprint({{"request_id", ctx.request_id}, {"command", canonical}}));
  auto existing = store_.ListSilences();
  if (!existing.ok()) return existing.status();
  for (const domain::Silence& s : *existing) {
    if (s.id == silence.id) return s;  // a retry of this request
  }
  silence.created_by = ctx.actor;
  if (silence.starts_at == absl::InfinitePast()) silence.starts_at = now;
  if (auto s = domain::ValidateSilence(silence); !s.ok()) return s;
  // An ended silence mutes nothing and would only wait for its pruning (as
  // Alertmanager, which refuses an end in the past).
  if (silence.ends_at <= now) {
    return runtime::InvalidArgument(
        {{"silence.ends_at", "must be in the future: a silence that has ended mutes nothing"}});
  }
  // The request id names this command from now on: the same id with
  // another command is refused (BindRequestId).
  if (auto s = BindRequestId(store_, ctx.request_id, canonical); !s.ok()) return s;
  // Added, not put: an attempt racing this one may have stored it first.
  return store_.AddSilence(silence);
}

absl::StatusOr<std::vector<domain::Silence>> IncidentCommands::ListSilences(bool include_expired) {
  auto all = store_.ListSilences();
  if (!all.ok()) return all.status();
  const absl::Time now = clock_.Now();
  std::vector<domain::Silence> out;
  for (domain::Silence& s : *all) {
    if (include_expired || domain::StateAt(s, now) != domain::SilenceState::kExpired) {
      out.push_back(std::move(s));
    }
  }
  std::sort(out.begin(), out.end(), [](const domain::Silence& a, const domain::Silence& b) {
    return a.starts_at > b.starts_at || (a.starts_at == b.starts_at && a.id < b.id);
  });
  return out;
}

absl::StatusOr<domain::Silence> IncidentCommands::ExpireSilence(const std::string& id) {
  if (id.empty()) return runtime::InvalidArgument({{"id", "required"}});
  auto all = store_.ListSilences();
  if (!all.ok()) return all.status();
  for (domain::Silence& s : *all) {
    if (s.id != id) continue;
    const absl::Time now = clock_.Now();
    if (domain::StateAt(s, now) != domain::SilenceState::kExpired) {
      s.ends_at = now;
      if (s.starts_at > now) s.starts_at = now;
      if (auto st = store_.PutSilence(s); !st.ok()) return st;
    }
    // Ended early: the alerts it kept muted are decided again now, not at
    // its old end. After the write, so an alert kept meanwhile is either
    // seen here or sees the silence ended (alert_processor.h). Also when it
    // had already ended: a retry after an attempt that wrote the end and
    // failed before these wake-ups (Redis gone meanwhile) finishes them;
    // waking an alert again only moves its timer to now (WakeMuted).
    if (auto st = WakeSilencedBy(store_, s.id, now); !st.ok()) return st;
    return s;
  }
  return absl::NotFoundError(absl::StrCat("silence ", id, " not found"));
}

absl::StatusOr<int> IncidentCommands::PruneSilences(absl::Duration retention) {
  return store_.PruneSilences(clock_.Now() - retention);
}

absl::StatusOr<std::vector<ports::MutedAlert>> IncidentCommands::ListMutedAlerts(
    const MutedAlertFilter& filter) {
  if (!filter.silence_id.empty() && !filter.inhibited_by.empty()) {
    return runtime::InvalidArgument(
        {{"inhibited_by", "cannot be set with silence_id: a mute has one cause"}});
  }
  auto kept = store_.ListMuted();
  if (!kept.ok()) return kept.status();
  auto selected = [&filter](const ports::MutedAlert::Mute& m) {
    return (filter.plan_id.empty() || m.plan_id == filter.plan_id) &&
           (filter.silence_id.empty() || m.silence_id == filter.silence_id) &&
           (filter.inhibited_by.empty() || m.inhibited_by == filter.inhibited_by);
  };
  std::vector<ports::MutedAlert> out;
  for (ports::MutedAlert& k : *kept) {
    if (std::any_of(k.mutes.begin(), k.mutes.end(), selected)) out.push_back(std::move(k));
  }
  std::sort(out.begin(), out.end(), [](const ports::MutedAlert& a, const ports::MutedAlert& b) {
    return a.kept_at < b.kept_at || (a.kept_at == b.kept_at && a.fingerprint < b.fingerprint);
  });
  return out;
}

}  // namespace sqms::alerts::app
