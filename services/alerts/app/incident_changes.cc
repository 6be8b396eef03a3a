// The pieces every incident change is made of (escalator.h, namespace
// changes): pages for a tier, the next escalation timer, resolved notices,
// timeline entries.
#include <algorithm>
#include <set>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "services/alerts/app/alert_processor.h"
#include "services/alerts/app/escalator.h"
#include "services/alerts/domain/rotation.h"
#include "sqms/runtime/ids.h"

namespace sqms::alerts::app {

absl::StatusOr<std::vector<ports::Delivery>> ReadDeliveries(ports::AlertStore& store,
                                                            const ports::Incident& incident) {
  std::vector<ports::Delivery> out;
  for (const std::string& id : incident.deliveries) {
    auto d = store.GetDelivery(id);
    if (!d.ok()) return d.status();
    if (d->has_value()) out.push_back(**std::move(d));
  }
  return out;
}

}  // namespace sqms::alerts::app

namespace sqms::alerts::app::changes {

std::string EscalationTimer(const std::string& incident_id, int64_t seq) {
  return absl::StrCat("esc|", incident_id, "|", seq);
}
std::string AckExpiryTimer(const std::string& incident_id, int64_t seq) {
  return absl::StrCat("ackx|", incident_id, "|", seq);
}
std::string QuietTimer(const std::string& incident_id, absl::Time quiet_since) {
  return absl::StrCat("quiet|", incident_id, "|", absl::ToUnixMillis(quiet_since));
}
std::string DeliveryTimer(const std::string& delivery_id) {
  return absl::StrCat("dlv|", delivery_id);
}

namespace {
ports::Delivery NewDelivery(const ports::Incident& incident, const std::string& target,
                            const std::string& kind, domain::EscalationStep step,
                            std::vector<std::string> recipients, absl::Time now) {
  ports::Delivery d;
  d.id = runtime::NewEventId();
  d.incident_id = incident.id;
  d.target = target;
  d.kind = kind;
  d.tier = step.tier;
  d.repeat = step.repeat;
  d.recipients = std::move(recipients);
  d.decided_version = incident.version + 1;  // the version this write stores
  d.created_at = now;
  return d;
}
}  // namespace

void Page(const domain::Plan& plan, const CatalogData& catalog, domain::EscalationStep step,
          const std::string& kind, absl::Time now, ports::IncidentWrite& write) {
  ports::Incident& incident = write.incident;
  if (step.tier < 0 || step.tier >= static_cast<int>(plan.escalation.size())) return;
  const domain::Tier& tier = plan.escalation[step.tier];
  std::vector<std::string> recipients =
      domain::Recipients(tier.notify, catalog.rotations, now, catalog.zone);
  for (const std::string& target : tier.targets) {
    ports::Delivery d = NewDelivery(incident, target, kind, step, recipients, now);
    incident.deliveries.push_back(d.id);
    write.deliveries.push_back(std::move(d));
  }
  incident.step = step;
  AddTimeline(incident, now, "system", "notified",
              absl::StrCat("tier ", step.tier + 1, step.repeat > 0 ? absl::StrCat(" repeat ", step.repeat) : "",
                           ": ", absl::StrJoin(recipients, ", "), " via ",
                           absl::StrJoin(tier.targets, ", ")));
}

void ScheduleNext(const domain::Plan& plan, absl::Time notified_at, ports::IncidentWrite& write) {
  ports::Incident& incident = write.incident;
  std::optional<absl::Time> due = domain::NextDue(plan.escalation, incident.step, notified_at);
  if (!due) {
    incident.next_escalation_at = absl::InfiniteFuture();
    return;
  }
  incident.next_escalation_at = *due;
  write.schedule.push_back({EscalationTimer(incident.id, incident.escalation_seq), *due});
}

void ResumeEscalation(absl::Time now, ports::IncidentWrite& write) {
  ports::Incident& incident = write.incident;
  if (incident.state != domain::IncidentState::kTriggered ||
      incident.quiet_since == absl::InfinitePast() ||
      incident.next_escalation_at == absl::InfiniteFuture()) {
    return;
  }
  // The escalation clock stops while every alert is resolved: otherwise an
  // alert that resolves just before each ack timeout would never escalate
  // past the first tier.
  const absl::Duration left =
      std::max(incident.next_escalation_at - incident.quiet_since, absl::ZeroDuration());
  write.cancel.push_back(EscalationTimer(incident.id, incident.escalation_seq));
  incident.escalation_seq += 1;
  incident.next_escalation_at = now + left;
  write.schedule.push_back(
      {EscalationTimer(incident.id, incident.escalation_seq), incident.next_escalation_at});
  AddTimeline(incident, now, "system", "escalation-resumed",
              absl::StrCat("an alert fires again: the next escalation is due in ",
                           absl::FormatDuration(left)));
}

std::set<int> PagedTiers(const std::vector<ports::Delivery>& deliveries,
                         ports::IncidentWrite& write) {
  std::set<int> paged;
  for (const ports::Delivery& d : deliveries) {
    if (!d.IsPage()) continue;
    if (d.attempts > 0) {
      paged.insert(d.tier);
    } else if (d.status == "pending") {
      write.unclaimed_pages.push_back(d.id);
    }
  }
  return paged;
}

void NotifyPagedTiers(const domain::Plan& plan, const std::string& kind, absl::Time now,
                      const std::set<int>& paged, ports::IncidentWrite& write) {
  ports::Incident& incident = write.incident;
  for (int t : paged) {
    if (t < 0 || t >= static_cast<int>(plan.escalation.size())) continue;
    for (const std::string& target : plan.escalation[t].targets) {
      ports::Delivery d = NewDelivery(incident, target, kind, {t, 0}, {}, now);
      incident.deliveries.push_back(d.id);
      write.deliveries.push_back(std::move(d));
    }
  }
}

bool IsAlertEntry(const ports::TimelineEntry& entry) {
  return entry.kind == "alert" || entry.kind == "alert-resolved";
}

void AddTimeline(ports::Incident& incident, absl::Time at, std::string actor, std::string kind,
                 std::string text) {
  // Bounded: a flapping source must not grow a document without end. The
  // entry to drop is a joined alert's: a mass delay draws hundreds, and the
  // closing review needs who was paged, who acknowledged, the steps and the
  // notes. Only with no alert entry left goes the oldest after "opened"
  // that is no acknowledgement (the first one decides MTTA, once:
  // incident_commands.cc).
  std::vector<ports::TimelineEntry>& timeline = incident.timeline;
  if (timeline.size() >= kMaxTimeline && timeline.size() > 1) {
    auto drop = std::find_if(timeline.begin() + 1, timeline.end(), IsAlertEntry);
    if (drop == timeline.end()) {
      drop = std::find_if(timeline.begin() + 1, timeline.end(),
                          [](const ports::TimelineEntry& e) { return e.kind != "acknowledged"; });
    }
    timeline.erase(drop != timeline.end() ? drop : timeline.begin() + 1);
  }
  timeline.push_back({at, std::move(actor), std::move(kind), std::move(text)});
}

}  // namespace sqms::alerts::app::changes

namespace sqms::alerts::app::changes {

ports::Incident NewIncident(const domain::Plan& plan, const domain::Labels& group_labels,
                            const std::string& group_key, const domain::Labels& first_alert,
                            const std::string& title_hint, bool drill, absl::Time now) {
  ports::Incident i;
  i.id = absl::StrCat("inc-", runtime::NewEventId().substr(0, 13));
  i.plan_id = plan.id;
  i.risk_id = plan.risk_id;
  std::vector<std::string> where;
  for (const auto& [name, value] : group_labels) where.push_back(value);
  i.title = absl::StrCat(drill ? "[DRILL] " : "", plan.name,
                         where.empty() ? "" : absl::StrCat(" — ", absl::StrJoin(where, ", ")),
                         title_hint.empty() ? "" : absl::StrCat(": ", title_hint));
  i.level = std::string(domain::ResponseLevelName(plan.level));
  i.state = domain::IncidentState::kTriggered;
  i.drill = drill;
  i.outage = plan.outage;
  i.known_issue_categories = plan.known_issue_categories;
  i.group_key = group_key;
  i.labels = group_labels;
  i.first_alert = first_alert;
  i.opened_at = now;
  i.steps.clear();
  for (const domain::Step& step : plan.steps) {
    ports::StepRecord record;
    record.definition = step;  // as opened with: a plan changed later renames nothing here
    i.steps.push_back(std::move(record));
  }
  AddTimeline(i, now, "system", "opened",
              absl::StrCat("plan ", plan.id, " activated, level ", i.level));
  return i;
}

void Resolve(const domain::Plan* plan, absl::Time now, const std::string& actor,
             const std::string& why, const std::set<int>& paged, ports::IncidentWrite& write) {
  ports::Incident& i = write.incident;
  i.state = domain::IncidentState::kResolved;
  i.resolved_at = now;
  write.cancel.push_back(EscalationTimer(i.id, i.escalation_seq));
  // In the same write, so no resolution ever forgets the alerts it
  // inhibited: they are decided again (alert_processor.h, "Kept muted
  // alerts"). Drills inhibit nothing.
  if (!i.drill) write.schedule.push_back({UnmuteTimer(i.id), now});
  i.next_escalation_at = absl::InfiniteFuture();
  write.release_group = true;
  write.events.push_back(ports::IncidentEventKind::kResolved);
  write.actor = actor;
  AddTimeline(i, now, actor, "resolved", why);
  if (plan != nullptr) NotifyPagedTiers(*plan, "resolved", now, paged, write);
}

}  // namespace sqms::alerts::app::changes
