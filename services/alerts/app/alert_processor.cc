#include "services/alerts/app/alert_processor.h"

#include <algorithm>
#include <set>
#include <utility>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "services/alerts/app/alert_processor_internal.h"
#include "services/alerts/app/escalator.h"
#include "services/alerts/app/request_ids.h"
#include "services/alerts/domain/inhibition.h"
#include "services/alerts/domain/linked_complaints.h"
#include "services/alerts/domain/request_fingerprint.h"

namespace sqms::alerts::app {
namespace internal {

std::string EncodeAnswer(const ProcessResult& r) {
  std::vector<std::string> lines = {r.fingerprint};
  for (const Decision& d : r.decisions) {
    lines.push_back(absl::StrJoin({d.plan_id, std::to_string(static_cast<int>(d.outcome)),
                                   d.incident_id, d.silence_id, d.inhibited_by},
                                  "\t"));
  }
  return absl::StrJoin(lines, "\n");
}

ProcessResult DecodeAnswer(const std::string& text) {
  ProcessResult r;
  r.replayed = true;
  std::vector<std::string> lines = absl::StrSplit(text, '\n');
  r.fingerprint = lines.empty() ? "" : lines[0];
  for (size_t i = 1; i < lines.size(); ++i) {
    std::vector<std::string> f = absl::StrSplit(lines[i], '\t');
    int outcome = 0;
    if (f.size() != 5 || !absl::SimpleAtoi(f[1], &outcome)) continue;
    r.decisions.push_back({f[0], static_cast<Outcome>(outcome), f[2], f[3], f[4]});
  }
  return r;
}

// Silenced and inhibited are no final answer for an alert id: the silence
// ends, the inhibiting incident resolves, and the alert is decided again —
// when Alertmanager re-sends it, or, for a kept one, when its mute ends.
// Every other decision stands.
bool IsMuted(const Decision& d) {
  return d.outcome == Outcome::kSilenced || d.outcome == Outcome::kInhibited;
}

absl::StatusOr<Mutes> LoadMutes(ports::AlertStore& store, const CatalogData& catalog,
                                const domain::Labels& labels) {
  Mutes out;
  auto silences = store.ListSilences();
  if (!silences.ok()) return silences.status();
  out.silences = *std::move(silences);
  const bool inhibitable = std::any_of(
      catalog.inhibit_rules.begin(), catalog.inhibit_rules.end(),
      [&](const domain::InhibitRule& r) { return domain::MatchesAll(r.target, labels); });
  if (!inhibitable) return out;
  auto incidents =
      store.List({.active_only = true, .plan_id = "", .limit = 10000, .after = std::nullopt});
  if (!incidents.ok()) return incidents.status();
  for (const ports::Incident& i : *incidents) {
    if (!i.drill) out.active.push_back({i.id, i.first_alert});
  }
  return out;
}

}  // namespace internal

namespace {

using internal::DecodeAnswer;
using internal::EncodeAnswer;
using internal::IsMuted;
using internal::LoadMutes;
using internal::Mutes;

bool IsFinal(const Decision& d) { return !IsMuted(d); }

// Decisions that put the alert on an incident (and hold while it is active).
bool OnIncident(const Decision& d) {
  return !d.incident_id.empty() &&
         (d.outcome == Outcome::kOpened || d.outcome == Outcome::kGrouped ||
          d.outcome == Outcome::kDuplicate);
}

// The actor of the timeline entries an alert causes.
std::string ActorOf(const domain::Alert& alert) {
  return alert.actor.empty() ? std::string("system") : alert.actor;
}

constexpr int kMaxAttempts = 10;  // writes lost to concurrent changes before giving up
constexpr size_t kMaxLinked = 1000;

constexpr std::string_view kOutcomeNames[] = {"opened",    "grouped",  "duplicate",
                                              "silenced",  "inhibited", "resolved",
                                              "no_incident", "counted"};

// The plans a trigger of which matches the alert's labels, with that
// trigger's index — but those `decided` already for this alert id. A
// retired plan only for a resolved alert: its open incidents still
// resolve, but it takes no new alert (it opens, joins and counts nothing).
using PlanTrigger = std::pair<const domain::Plan*, int>;
std::vector<PlanTrigger> PlansToDecide(const CatalogData& catalog, const domain::Alert& alert,
                                       const std::vector<Decision>& decided) {
  std::vector<PlanTrigger> out;
  auto consider = [&](const std::vector<domain::Plan>& plans) {
    for (const domain::Plan& plan : plans) {
      const bool done = std::any_of(decided.begin(), decided.end(),
                                    [&](const Decision& d) { return d.plan_id == plan.id; });
      if (int t = domain::MatchingTrigger(plan, alert.labels); t >= 0 && !done) {
        out.push_back({&plan, t});
      }
    }
  };
  consider(catalog.plans);
  if (!alert.firing) consider(catalog.retired_plans);
  return out;
}

// When the firing of `fingerprint` that `incident` holds started;
// InfinitePast when unknown (ports::Incident::alert_started).
absl::Time StartedOf(const ports::Incident& incident, const std::string& fingerprint) {
  auto it = incident.alert_started.find(fingerprint);
  return it == incident.alert_started.end() ? absl::InfinitePast() : it->second;
}

// Records that the firing of `fingerprint` in `incident` started at `at`,
// when known.
void NoteStart(ports::Incident& incident, const std::string& fingerprint, absl::Time at) {
  if (domain::IsFinite(at)) incident.alert_started[fingerprint] = at;
}

// The active incident of plan `plan_id` in which alert `fingerprint` fires:
// the one its group key names now, or — when the plan's group_by changed
// since the alert joined, so that the key it gets now names no incident or
// another, or one passed over below — the plan's active incident that
// holds it, found by a scan of the plan's active incidents (only on such a
// miss; a plan has a handful).
// Without it an edited plan's incident never resolved by itself. One whose
// firing of the alert started after `ended_at` (ports::StartedAfterEnd) is
// not the one a resolution that ended then can end: passed over, and put
// in `*newer` (the first such).
absl::StatusOr<std::optional<ports::Incident>> FiringIncident(
    ports::AlertStore& store, const std::string& plan_id, const std::string& group_key,
    const std::string& fingerprint, bool drill, absl::Time ended_at,
    std::optional<ports::Incident>* newer) {
  constexpr int kMaxScanned = 500;
  // A drill's alert never resolves a real incident, nor a real one a drill
  // (their fingerprints can be equal: the drill flag is not in them).
  auto fires = [&](const ports::Incident& i) {
    auto it = i.alerts.find(fingerprint);
    if (!domain::IsActive(i.state) || i.drill != drill || it == i.alerts.end() || !it->second) {
      return false;
    }
    if (!ports::StartedAfterEnd(StartedOf(i, fingerprint), ended_at)) return true;
    if (!newer->has_value()) *newer = i;
    return false;
  };
  auto id = store.FindGroup(group_key);
  if (!id.ok()) return id.status();
  if (!id->empty()) {
    auto found = store.Get(*id);
    if (!found.ok()) return found.status();
    if (found->has_value() && fires(**found)) return found;
  }
  ports::ListFilter filter;
  filter.active_only = true;
  filter.plan_id = plan_id;
  filter.limit = kMaxScanned;
  auto active = store.List(filter);
  if (!active.ok()) return active.status();
  for (ports::Incident& incident : *active) {
    if (fires(incident)) return std::optional<ports::Incident>(std::move(incident));
  }
  return std::optional<ports::Incident>();
}

std::string TitleHint(const domain::Alert& alert) {
  // A title line, not a body: an incident repeats it in its timeline and
  // in every event, and annotations from Alertmanager are not bounded.
  constexpr size_t kMaxTitleBytes = 256;
  auto line = [](const std::string& text) {
    if (text.size() <= kMaxTitleBytes) return text;
    size_t cut = kMaxTitleBytes;
    while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
    return absl::StrCat(text.substr(0, cut), "…");  // at a UTF-8 character's start
  };
  for (const char* name : {"title", "summary"}) {
    auto it = alert.annotations.find(name);
    if (it != alert.annotations.end() && !it->second.empty()) return line(it->second);
  }
  auto it = alert.labels.find("alertname");
  return it == alert.labels.end() ? "" : it->second;
}

// The complaint an alert was raised for ("" when none).
std::string ComplaintOf(const domain::Alert& alert) {
  auto it = alert.labels.find("complaint_id");
  return it == alert.labels.end() ? "" : it->second;
}

std::string GroupKeyFor(const domain::Plan& plan, const domain::Labels& group, bool drill) {
  return absl::StrCat(drill ? "drill|" : "", domain::GroupKey(plan, group));
}

// Whether `alert` is counted by `trigger` (drills never are), and the
// counting window it is counted in: its group's, as a real alert.
bool Counts(const domain::Trigger& trigger, const domain::Alert& alert) {
  return trigger.count > 1 && !alert.drill;
}
std::string CountWindow(const domain::Plan& plan, const domain::Alert& alert) {
  return GroupKeyFor(plan, domain::GroupLabels(plan, alert.labels), false);
}

// Whether `incident` has the alert `fingerprint` joined and resolved.
bool HoldsAsResolved(const ports::Incident& incident, const std::string& fingerprint) {
  auto it = incident.alerts.find(fingerprint);
  return it != incident.alerts.end() && !it->second;
}

}  // namespace

std::string_view OutcomeName(Outcome outcome) { return kOutcomeNames[static_cast<int>(outcome)]; }

AlertProcessor::AlertProcessor(ports::AlertStore& store, const Catalog& catalog,
                               const runtime::Clock& clock, AlertStats& stats,
                               IncidentStats& incident_stats, std::function<void()> wake)
    : store_(store),
      catalog_(catalog),
      clock_(clock),
      stats_(stats),
      incident_stats_(incident_stats),
      wake_(std::move(wake)) {}

absl::StatusOr<ProcessResult> AlertProcessor::Process(const domain::Alert& alert) {
  auto seen = store_.Seen(alert.id);
  if (!seen.ok()) return seen.status();
  ProcessResult result;
  bool was_muted = false;
  if (seen->has_value()) {
    result = DecodeAnswer(**seen);
    auto again = IncidentsToDecideAgain(alert, result.decisions);
    if (!again.ok()) return again.status();
    auto decide_again = [&](const Decision& d) {
      return !IsFinal(d) || again->contains(d.incident_id);
    };
    if (std::none_of(result.decisions.begin(), result.decisions.end(), decide_again)) {
      return result;
    }
    // Muted at an earlier delivery, or its incident ended (or holds the
    // alert as resolved) while the alert still fires: those plans are
    // decided again below; the other
    // decisions stand (no second incident).
    was_muted = std::any_of(result.decisions.begin(), result.decisions.end(),
                            [](const Decision& d) { return !IsFinal(d); });
    std::erase_if(result.decisions, decide_again);
    result.replayed = false;
  }
  stats_.Received(alert.source);
  result.fingerprint = domain::AlertKey(alert.source, alert.labels);
  if (!alert.firing && !alert.drill) {
    // Over: a kept muted alert of these labels is not decided again (unless
    // it is a newer firing: ports::AlertStore::DropResolved). Before the
    // group is read below, so a kept alert opening meanwhile is either seen
    // there (and resolved) or sees this drop (muted_alerts.cc).
    if (auto s = store_.DropResolved(result.fingerprint, alert.at); !s.ok()) return s;
  }
  auto catalog = catalog_.Snapshot();
  const auto pending = PlansToDecide(*catalog, alert, result.decisions);
  Mutes mutes;
  if (!pending.empty() && alert.firing && !alert.drill) {
    auto loaded = LoadMutes(store_, *catalog, alert.labels);
    if (!loaded.ok()) return loaded.status();
    mutes = *std::move(loaded);
  }
  const size_t first_new = result.decisions.size();
  for (const auto& [plan, trigger] : pending) {
    auto decision = ForPlan(*plan, plan->triggers[trigger], *catalog, alert, result.fingerprint,
                            mutes.silences, mutes.active);
    if (!decision.ok()) return decision.status();
    result.decisions.push_back(*std::move(decision));
  }
  if (alert.firing && !alert.drill && !ResendsWhileFiring(alert.source)) {
    if (auto s = KeepOrDrop(alert, result.fingerprint, result.decisions, was_muted, mutes);
        !s.ok()) {
      return s;
    }
  }
  if (auto s = store_.MarkSeen(alert.id, EncodeAnswer(result)); !s.ok()) return s;
  for (size_t i = first_new; i < result.decisions.size(); ++i) {
    stats_.Decided(result.decisions[i].outcome);
  }
  return result;
}

absl::StatusOr<ProcessResult> AlertProcessor::Raise(const domain::Alert& alert,
                                                    const CommandContext& ctx) {
  if (auto s = BindRequestId(store_, ctx.request_id, domain::CanonicalRaise(alert, ctx.actor));
      !s.ok()) {
    return s;
  }
  domain::Alert raised = alert;
  raised.actor = ctx.actor;
  return Process(raised);
}

absl::StatusOr<std::set<std::string>> AlertProcessor::IncidentsToDecideAgain(
    const domain::Alert& alert, const std::vector<Decision>& decisions) {
  std::set<std::string> again;
  // Only a source that re-sends a firing alert under the same id: any
  // other's redelivery is a retry, answered from the record.
  if (!alert.firing || !ResendsWhileFiring(alert.source)) return again;
  const std::string fingerprint = domain::AlertKey(alert.source, alert.labels);
  for (const Decision& d : decisions) {
    if (!OnIncident(d) || again.contains(d.incident_id)) continue;
    auto found = store_.Get(d.incident_id);
    if (!found.ok()) return found.status();
    if (!found->has_value() || !domain::IsActive((*found)->state) ||
        HoldsAsResolved(**found, fingerprint)) {
      again.insert(d.incident_id);
    }
  }
  return again;
}

absl::StatusOr<Decision> AlertProcessor::ForPlan(const domain::Plan& plan,
                                                 const domain::Trigger& trigger,
                                                 const CatalogData& catalog,
                                                 const domain::Alert& alert,
                                                 const std::string& fingerprint,
                                                 const std::vector<domain::Silence>& silences,
                                                 const std::vector<domain::ActiveIncident>& active) {
  if (!alert.firing) return Resolve(plan, catalog, alert, fingerprint);
  Decision decision{.plan_id = plan.id, .outcome = Outcome::kNoIncident, .incident_id = "",
                    .silence_id = "", .inhibited_by = ""};
  const absl::Time now = clock_.Now();
  if (const domain::Silence* s = domain::MutedBy(silences, alert.labels, now, catalog.zone)) {
    decision.outcome = Outcome::kSilenced;
    decision.silence_id = s->id;
    return decision;
  }
  if (std::string by = domain::InhibitedBy(catalog.inhibit_rules, alert.labels, active);
      !by.empty()) {
    decision.outcome = Outcome::kInhibited;
    decision.inhibited_by = by;
    return decision;
  }
  // A counting trigger activates the plan at its count; alerts of a group
  // whose incident is already active join it either way.
  bool may_open = true;
  if (Counts(trigger, alert)) {
    auto n = store_.Count(CountWindow(plan, alert), fingerprint, ComplaintOf(alert), alert.at,
                          trigger.within);
    if (!n.ok()) return n.status();
    may_open = *n >= trigger.count;
  }
  return Fire(plan, trigger, catalog, alert, fingerprint, may_open);
}

absl::StatusOr<Decision> AlertProcessor::Fire(const domain::Plan& plan,
                                              const domain::Trigger& trigger,
                                              const CatalogData& catalog,
                                              const domain::Alert& alert,
                                              const std::string& fingerprint, bool may_open) {
  const domain::Labels group = domain::GroupLabels(plan, alert.labels);
  const std::string key = GroupKeyFor(plan, group, alert.drill);
  for (int attempt = 0; attempt < kMaxAttempts; ++attempt) {
    // Anew each attempt: one that lost a race decided nothing.
    Decision decision{.plan_id = plan.id,
                      .outcome = Outcome::kCounted,
                      .incident_id = "",
                      .silence_id = "",
                      .inhibited_by = ""};
    auto id = store_.FindGroup(key);
    if (!id.ok()) return id.status();
    absl::StatusOr<ports::WriteOutcome> outcome = ports::WriteOutcome::kConflict;
    std::optional<ports::Incident> current;
    if (!id->empty()) {
      auto found = store_.Get(*id);
      if (!found.ok()) return found.status();
      current = *std::move(found);
    }
    if (current && domain::IsActive(current->state)) {
      outcome = Join(*current, alert, fingerprint, decision);
    } else if (!may_open) {
      return decision;  // kCounted: below the trigger's count
    } else {
      outcome = Open(plan, trigger, catalog, alert, fingerprint, decision);
    }
    if (!outcome.ok()) return outcome.status();
    if (*outcome == ports::WriteOutcome::kWritten) return decision;
    // kConflict / kGroupTaken: another change or replica came first; look again.
  }
  return absl::AbortedError(absl::StrCat("group ", key, " kept changing; retry the alert"));
}

absl::StatusOr<ports::WriteOutcome> AlertProcessor::Join(const ports::Incident& incident,
                                                         const domain::Alert& alert,
                                                         const std::string& fingerprint,
                                                         Decision& decision) {
  decision.incident_id = incident.id;
  auto it = incident.alerts.find(fingerprint);
  if (it != incident.alerts.end() && it->second) {
    decision.outcome = Outcome::kDuplicate;
    // The same firing again (a re-send), or a newer one within the margin:
    // nothing to write. A newer one (its predecessor's resolution not seen
    // yet) moves the start on, so that resolution, handled late, leaves
    // the incident firing.
    const absl::Time started = StartedOf(incident, fingerprint);
    const bool moves_on = domain::IsFinite(alert.at) &&
                          (!domain::IsFinite(started) || ports::StartedAfterEnd(alert.at, started));
    if (!moves_on) return ports::WriteOutcome::kWritten;
    ports::IncidentWrite write;
    write.incident = incident;
    write.expected_version = incident.version;
    NoteStart(write.incident, fingerprint, alert.at);
    return store_.Write(write);
  }
  decision.outcome = Outcome::kGrouped;
  ports::IncidentWrite write;
  write.incident = incident;
  write.expected_version = incident.version;
  write.incident.alerts[fingerprint] = true;
  NoteStart(write.incident, fingerprint, alert.at);
  write.incident.alerts_total += 1;
  if (write.incident.quiet_since != absl::InfinitePast()) {
    // A flap: the quiet spell ends, its timer finds it so and does nothing.
    changes::AddTimeline(write.incident, clock_.Now(), ActorOf(alert), "flap",
                         "an alert fired again before the incident resolved (flap protection)");
    changes::ResumeEscalation(clock_.Now(), write);
    write.incident.quiet_since = absl::InfinitePast();
  }
  if (std::string c = ComplaintOf(alert);
      !c.empty() && write.incident.linked_complaints.size() < kMaxLinked) {
    write.incident.linked_complaints.push_back(std::move(c));
  }
  changes::AddTimeline(write.incident, clock_.Now(), ActorOf(alert), "alert",
                       absl::StrCat(TitleHint(alert), " (", fingerprint, ")"));
  write.events.push_back(ports::IncidentEventKind::kAlertAdded);
  return store_.Write(write);
}

absl::StatusOr<ports::WriteOutcome> AlertProcessor::Open(
    const domain::Plan& plan, const domain::Trigger& trigger, const CatalogData& catalog,
    const domain::Alert& alert, const std::string& fingerprint, Decision& decision) {
  // A surge links every complaint counted in its window, not only the last.
  std::vector<std::string> surge;
  if (Counts(trigger, alert)) {
    auto ids =
        store_.CountedComplaints(CountWindow(plan, alert), alert.at, trigger.within, kMaxLinked);
    if (!ids.ok()) return ids.status();
    surge = *std::move(ids);
  }
  const absl::Time now = clock_.Now();
  const domain::Labels group = domain::GroupLabels(plan, alert.labels);
  ports::IncidentWrite write;
  write.incident = changes::NewIncident(plan, group, GroupKeyFor(plan, group, alert.drill),
                                        alert.labels, TitleHint(alert), alert.drill, now);
  write.incident.alerts[fingerprint] = true;
  NoteStart(write.incident, fingerprint, alert.at);
  write.incident.alerts_total = 1;
  write.incident.linked_complaints = domain::LinkedOnOpening(surge, ComplaintOf(alert), kMaxLinked);
  write.claim_group = true;
  changes::Page(plan, catalog, {0, 0}, "triggered", now, write);
  changes::ScheduleNext(plan, now, write);
  write.events.push_back(ports::IncidentEventKind::kOpened);
  auto outcome = store_.Write(write);
  if (outcome.ok() && *outcome == ports::WriteOutcome::kWritten) {
    decision.outcome = Outcome::kOpened;
    decision.incident_id = write.incident.id;
    if (wake_) wake_();
  }
  return outcome;
}

absl::StatusOr<Decision> AlertProcessor::Resolve(const domain::Plan& plan,
                                                 const CatalogData& /*catalog*/,
                                                 const domain::Alert& alert,
                                                 const std::string& fingerprint) {
  const std::string key =
      GroupKeyFor(plan, domain::GroupLabels(plan, alert.labels), alert.drill);
  for (int attempt = 0; attempt < kMaxAttempts; ++attempt) {
    // Anew each attempt: one that lost a race decided nothing.
    Decision decision{.plan_id = plan.id,
                      .outcome = Outcome::kNoIncident,
                      .incident_id = "",
                      .silence_id = "",
                      .inhibited_by = ""};
    // A firing that started after this resolution's end (a new one,
    // joined before this older resolution was handled) fires on.
    std::optional<ports::Incident> newer;
    auto found = FiringIncident(store_, plan.id, key, fingerprint, alert.drill, alert.at, &newer);
    if (!found.ok()) return found.status();
    const absl::Time now = clock_.Now();
    if (!found->has_value() && newer.has_value()) {
      // Said on its timeline, so whoever looks at it sees why it fires on.
      ports::IncidentWrite write;
      write.incident = *newer;
      write.expected_version = newer->version;
      changes::AddTimeline(
          write.incident, now, ActorOf(alert), "resolution-passed-over",
          absl::StrCat(TitleHint(alert), " (", fingerprint, "): a resolution that ended at ",
                       absl::FormatTime(absl::RFC3339_sec, alert.at, absl::UTCTimeZone()),
                       ", before the firing this incident holds started (",
                       absl::FormatTime(absl::RFC3339_sec, StartedOf(*newer, fingerprint),
                                        absl::UTCTimeZone()),
                       "), ends an earlier firing, not this one"));
      auto outcome = store_.Write(write);
      if (!outcome.ok()) return outcome.status();
      if (*outcome == ports::WriteOutcome::kWritten) return decision;
      continue;  // changed meanwhile: look again
    }
    if (!found->has_value()) return decision;
    const ports::Incident& incident = **found;
    decision.incident_id = incident.id;
    decision.outcome = Outcome::kResolved;
    ports::IncidentWrite write;
    write.incident = incident;
    write.expected_version = incident.version;
    write.incident.alerts[fingerprint] = false;
    changes::AddTimeline(write.incident, now, ActorOf(alert), "alert-resolved",
                         absl::StrCat(TitleHint(alert), " (", fingerprint, ")"));
    const bool last = write.incident.FiringAlerts() == 0;
    // Flap protection: with resolve_after, the last resolution only starts
    // a quiet spell; its timer resolves the incident unless an alert fires.
    const bool resolve_now = last && plan.auto_resolve && plan.resolve_after <= absl::ZeroDuration();
    if (resolve_now) {
      auto deliveries = ReadDeliveries(store_, incident);
      if (!deliveries.ok()) return deliveries.status();
      changes::Resolve(&plan, now, ActorOf(alert), "every alert resolved",
                       changes::PagedTiers(*deliveries, write), write);
    } else if (last && plan.auto_resolve) {
      write.incident.quiet_since = now;
      write.schedule.push_back(
          {changes::QuietTimer(write.incident.id, now), now + plan.resolve_after});
      changes::AddTimeline(write.incident, now, ActorOf(alert), "quiet",
                           absl::StrCat("every alert resolved: resolving after ",
                                        absl::FormatDuration(plan.resolve_after),
                                        " unless one fires again (flap protection)"));
    }
    auto outcome = store_.Write(write);
    if (!outcome.ok()) return outcome.status();
    if (*outcome == ports::WriteOutcome::kWritten) {
      if (resolve_now) {
        incident_stats_.Resolved(write.incident);
        if (wake_) wake_();
      }
      return decision;
    }
  }
  return absl::AbortedError(absl::StrCat("group ", key, " kept changing; retry the alert"));
}

}  // namespace sqms::alerts::app
