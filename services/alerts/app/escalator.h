#pragma once
// The escalation engine, on the runtime's durable timers. An incident's
// next step is timer "esc|<incident>|<seq>"; an acknowledgement expiry is
// "ackx|<incident>|<seq>", seq as the acknowledgement found it (only an
// expiry moves it on while acknowledged, so a new alert, a note or a step
// leaves the expiry standing). OnTimer re-reads the incident and applies
// the step only if the incident is still triggered and still at `seq` —
// by compare-and-set on its version, so an acknowledgement written first
// wins and this writes nothing, and one written after finds the step (and
// its deliveries) already decided. Idempotent: a timer fired twice (crash
// between effect and completion) finds seq moved on and does nothing.
// Steps are decided by the plan in force when the timer fires; a plan
// changed meanwhile (UpsertPlan) with fewer tiers or repeats does not stop
// the escalation: the incident's step is mapped onto the new chain
// (domain::DueStep, domain::ClampStep). Nor does the chain's end: past
// its last step the last tier is paged again every its ack_timeout until
// the incident is acknowledged or resolved. Nor does a plan gone from the
// configuration: the incident follows the retired plan
// (CatalogData::FindPlan, app/plan_changes.h); should this replica know no
// plan of the incident at all, the timer fails (UNAVAILABLE) and is
// retried — never dropped. While flap protection keeps the incident quiet
// (quiet_since set: every alert resolved, resolution pending) a due step
// pages nobody: it is held, with a timeline entry, and resumes when an
// alert fires again (changes::ResumeEscalation).

#include <cstddef>
#include <functional>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "services/alerts/app/catalog.h"
#include "services/alerts/domain/alert.h"
#include "services/alerts/ports/alert_store.h"
#include "sqms/runtime/clock.h"

namespace sqms::alerts::app {

class Escalator {
 public:
  Escalator(ports::AlertStore& store, const Catalog& catalog, const runtime::Clock& clock,
            std::function<void()> wake);

  // For timers whose id starts "esc|", "ackx|" or "quiet|"; OK for ids it
  // does not know (they are dropped). An error: retried by the timers —
  // UNAVAILABLE for an escalation or acknowledgement expiry whose plan is
  // not known here (neither in force nor retired).
  absl::Status OnTimer(const std::string& timer_id);
  // Called after this resolved an incident (flap protection's delayed
  // auto-resolution), with the incident as written: for the MTTR metric.
  void OnResolved(std::function<void(const ports::Incident&)> resolved) {
    resolved_ = std::move(resolved);
  }

 private:
  // "quiet|<incident>|<ms>": resolves the incident when it is still active,
  // no alert fires, and it has been quiet since `quiet_ms` (a newer quiet
  // spell, after a flap, has its own timer).
  absl::Status ResolveQuiet(const std::string& incident_id, int64_t quiet_ms);
  absl::Status Escalate(const std::string& incident_id, int64_t seq);
  absl::Status ExpireAck(const std::string& incident_id, int64_t seq);

  // The write a timer makes (nullopt: none), or why it cannot decide yet.
  using Written = absl::StatusOr<std::optional<ports::IncidentWrite>>;
  // One timer's change: from the incident as read now, the write to make
  // (IncidentWrite with the incident and its version filled in), or
  // nullopt when there is nothing to do (acknowledged, resolved, or this
  // step applied meanwhile).
  using Decide =
      std::function<Written(const ports::Incident& incident, ports::IncidentWrite write)>;
  // Reads the incident, writes what `decide` makes of it at the version
  // read, and when another change landed in between (a conflict) reads and
  // decides again, up to 10 times; then ABORTED, and the durable timers
  // retry: a timer is done once this returns OK, so giving up silently
  // could leave an incident paging nobody. A write with deliveries wakes
  // the timers to send them now. Returns the write made (nullopt: none —
  // the incident is gone, or `decide` saw nothing to do).
  Written Change(const std::string& incident_id, const Decide& decide);

  ports::AlertStore& store_;
  const Catalog& catalog_;
  const runtime::Clock& clock_;
  std::function<void()> wake_;
  std::function<void(const ports::Incident&)> resolved_;
};

// The deliveries of `incident` as stored, in its order (one read each;
// gone ones left out); the store's error if a read fails.
absl::StatusOr<std::vector<ports::Delivery>> ReadDeliveries(ports::AlertStore& store,
                                                            const ports::Incident& incident);

// Pure helpers shared by the use cases (incident_changes.cc).
namespace changes {
// Timer ids.
std::string EscalationTimer(const std::string& incident_id, int64_t seq);
std::string AckExpiryTimer(const std::string& incident_id, int64_t seq);
std::string DeliveryTimer(const std::string& delivery_id);
// Flap protection: resolve `incident_id` if it stayed quiet since then.
std::string QuietTimer(const std::string& incident_id, absl::Time quiet_since);
// Deliveries for `tier` of `plan` (one per target), kind "triggered" /
// "escalated" / "repeated", recipients expanded at `now`; appended to the
// incident's list and to `write`.
void Page(const domain::Plan& plan, const CatalogData& catalog, domain::EscalationStep step,
          const std::string& kind, absl::Time now, ports::IncidentWrite& write);
// Schedules the step after incident.step, due its tier's ack_timeout after
// `notified_at` — past the chain's end too (the last tier again: paging
// stops only at acknowledgement); nothing only for a plan without tiers.
void ScheduleNext(const domain::Plan& plan, absl::Time notified_at, ports::IncidentWrite& write);
// Flap protection: write.incident's quiet spell ends at `now` (call before
// clearing quiet_since). A triggered incident's escalation, held while it
// was quiet (Escalator pages nobody then), resumes with the time its step
// had left when the spell began: the pending timer is replaced by one of
// the next seq, due that much after `now` (at once if it was overdue).
// Nothing for an incident not triggered or with no escalation pending.
void ResumeEscalation(absl::Time now, ports::IncidentWrite& write);
// The tiers actually paged, for a write that takes the incident out of
// triggered (an acknowledgement, a resolution), from its deliveries as
// read with it: a tier with a page claimed (attempts > 0: delivered,
// failed or in flight). A page not claimed yet is cancelled by its claim
// once the write lands (ports::AlertStore::ClaimDelivery) — unless the
// dispatcher claims it first; so each one is named in
// write.unclaimed_pages, and the write is refused if one was claimed
// meanwhile (decided again, it counts then). Everyone paged is told, and
// nobody is told of an incident they never heard of.
std::set<int> PagedTiers(const std::vector<ports::Delivery>& deliveries,
                         ports::IncidentWrite& write);
// Notices of `kind` ("acknowledged", "resolved") to every target of the
// tiers in `paged` (within the plan's chain): everyone paged learns that
// someone has the incident, or that it ended; nobody is told of an
// incident they never heard of.
void NotifyPagedTiers(const domain::Plan& plan, const std::string& kind, absl::Time now,
                      const std::set<int>& paged, ports::IncidentWrite& write);
// A new incident of `plan` for `alert` (id, title, level, steps, labels),
// not yet written: the caller pages tier 0 and writes it.
ports::Incident NewIncident(const domain::Plan& plan, const domain::Labels& group_labels,
                            const std::string& group_key, const domain::Labels& first_alert,
                            const std::string& title_hint, bool drill, absl::Time now);
// Resolves write.incident: state, time, timers cancelled, group released,
// resolved notices to the `paged` tiers (PagedTiers), the event.
void Resolve(const domain::Plan* plan, absl::Time now, const std::string& actor,
             const std::string& why, const std::set<int>& paged, ports::IncidentWrite& write);
// The most entries an incident's timeline keeps.
inline constexpr size_t kMaxTimeline = 500;
// Whether `entry` is a joined alert's ("alert", "alert-resolved") rather
// than a lifecycle entry (opened, notified, escalated, acknowledged, step,
// note, resolved, …).
bool IsAlertEntry(const ports::TimelineEntry& entry);
// Appends an entry. At kMaxTimeline entries one is dropped first: the
// oldest alert entry; a lifecycle entry only when no alert entry is left
// (then the oldest after "opened", which is always kept).
void AddTimeline(ports::Incident& incident, absl::Time at, std::string actor, std::string kind,
                 std::string text);
}  // namespace changes

}  // namespace sqms::alerts::app
