#pragma once
// Alert intake, whatever the source: fingerprint, match every plan, mute by
// silences and inhibition, count for counting triggers, then open or join
// the plan's incident for the alert's group — or, for a resolved alert,
// mark it resolved and resolve the incident when it was the last firing
// one and the plan resolves automatically.
//
// Exactly once per alert id: a redelivered alert (same id) is answered with
// the recorded answer and changes nothing; should a crash fall between the
// incident write and that record, the redelivery finds its fingerprint
// already in the incident (kDuplicate) — never a second incident. Except
// kSilenced and kInhibited, which are not final: a silence ends, an
// inhibiting incident resolves, and Alertmanager re-sends a still-firing
// alert under the same id. Each delivery decides the plans it was muted
// for afresh (and records the new answer); the plans it opened, joined or
// counted for keep their recorded decision — unless the incident a
// re-sent firing alert opened or joined is no longer active (resolved or
// closed by hand while the alert kept firing): that plan is decided again
// too, as a muted one is, and opens a new incident (or joins the group's
// active one). Two replicas opening one group race on the group index: one
// opens, the other joins.
//
// Sources and resolutions. An alert is keyed on its incident by
// domain::AlertKey(source, labels): a RaiseAlert resolution resolves only
// RaiseAlert-raised alerts (never an Alertmanager, complaint or KPI alert
// whose labels it copies), and the timeline entries an alert causes
// ("alert", "alert-resolved", "quiet", "flap", "resolved",
// "resolution-passed-over") name its actor: RaiseAlert's caller, "system"
// for the other sources. An incident records when the firing of each of
// its alerts started (ports::Incident::alert_started; a firing more than
// ports::kNewerFiringMargin later than the recorded one moves it on): a
// resolution that ended before that start, less the margin, ends an
// earlier firing — handled late (an HA pair of Alertmanagers, a retried
// delivery) — and leaves the incident firing, with a
// "resolution-passed-over" entry on its timeline.
//
// Kept muted alerts. Kafka events (sqms.complaints.v1, sqms.kpi.v1) are
// delivered once — the metrics service emits a breach once and its
// recovery once — and RaiseAlert is one call per alert (a retry under the
// same request id is a retry, not a re-send), so only Alertmanager's
// alerts come again while they fire. A firing alert of any other source
// muted for a plan is kept (ports::MutedAlert: the alert and what muted it
// for which plan) with a durable timer "muted|<fingerprint>" due when its
// silence or maintenance window ends (none for an inhibition). When the
// timer fires (one replica at a time) the plans it was muted for are
// decided again, as a re-sent alert's would be: it opens or joins the
// incident, or stays kept, muted by whatever mutes it now; its recorded
// answer is replaced. The mute's end wakes it early: a resolved incident
// (every resolution writes timer "unmute|<incident>", due at once, in the
// same script) wakes the alerts it inhibited, and an expired silence those
// it silenced. A resolved alert (same labels, e.g. a KPI's recovery) drops
// the kept one: nothing opens for a breach that is over. It also records
// when the alert ended, so a firing it ended that is handled after it —
// delivered to another replica at the same time, or late — is not kept
// (ports::AlertStore::KeepMuted). A decision made again from a kept copy
// keeps or drops only that alert (its id): a newer one of the same labels
// kept meanwhile stays kept. Drills are never muted, so never kept.

#include <functional>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "services/alerts/app/catalog.h"
#include "services/alerts/app/incident_commands.h"
#include "services/alerts/domain/alert.h"
#include "services/alerts/ports/alert_store.h"
#include "sqms/runtime/clock.h"

namespace sqms::alerts::app {

namespace internal {
struct Mutes;
}  // namespace internal

enum class Outcome {
  kOpened, kGrouped, kDuplicate, kSilenced, kInhibited, kResolved, kNoIncident, kCounted
};
std::string_view OutcomeName(Outcome outcome);  // "opened", …

// Whether the source sends a firing alert again while it fires (only
// Alertmanager does): a muted alert of any other source is kept.
bool ResendsWhileFiring(const std::string& source);

// The timer every resolution of a real incident writes: wakes the alerts it
// inhibited (AlertProcessor::OnTimer).
std::string UnmuteTimer(const std::string& incident_id);

// Wakes the alerts kept for silence `silence_id` (it was expired early):
// they are decided again at once. Thread-safe.
absl::Status WakeSilencedBy(ports::AlertStore& store, const std::string& silence_id,
                            absl::Time now);

struct Decision {
  std::string plan_id;
  Outcome outcome = Outcome::kNoIncident;
  std::string incident_id;
  std::string silence_id;
  std::string inhibited_by;
};

struct ProcessResult {
  std::string fingerprint;
  std::vector<Decision> decisions;  // empty: no plan matched
  // Answered wholly from the record of an earlier delivery (false when a
  // plan muted then was decided again).
  bool replayed = false;
};

// Counters the server exports (sqms_alerts_*); all called after the write.
class AlertStats {
 public:
  virtual ~AlertStats() = default;
  virtual void Received(const std::string& source) = 0;
  virtual void Decided(Outcome outcome) = 0;
};

class AlertProcessor {
 public:
  // `wake` runs after a write that created deliveries (the dispatcher's
  // timers: send now, not at the next poll). All borrowed; outlive this.
  AlertProcessor(ports::AlertStore& store, const Catalog& catalog, const runtime::Clock& clock,
                 AlertStats& stats, IncidentStats& incident_stats, std::function<void()> wake);

  // Thread-safe. An error (store unreachable) leaves any partial progress
  // safe to redo: call again with the same alert.
  absl::StatusOr<ProcessResult> Process(const domain::Alert& alert);
  // RaiseAlert: `alert` (its id made of ctx.request_id) from ctx.actor.
  // Binds the request id to the alert first (request_ids.h): the same id
  // with other labels, annotations, status or drill flag, or used for any
  // other command, is FAILED_PRECONDITION on "request_id" and processes
  // nothing; a retry of the same alert is Process's, answered from its
  // record. Thread-safe.
  absl::StatusOr<ProcessResult> Raise(const domain::Alert& alert, const CommandContext& ctx);

  // Kept muted alerts (above). The handler of the durable timers
  // "muted|<fingerprint>" (decide the kept alert again; OK when it is gone)
  // and "unmute|<incident>" (wake the alerts the incident inhibited); OK
  // for other ids. Idempotent: a timer fired twice finds the alert gone,
  // kept again, or already in its incident (kDuplicate). An error (store
  // unreachable): retried by the timers. Thread-safe.
  absl::Status OnTimer(const std::string& timer_id);
  static bool IsMutedTimer(std::string_view timer_id);

 private:
  // A firing alert's decisions are in: keep it when it was muted for a plan
  // (and its source does not re-send it), drop it when `was_muted` and no
  // longer; its timer is due when the first silence of those in `read`
  // (what decided it) muting it ends. Then, should a mute have ended
  // between `read` and the keep, wakes it at once (that end's wake-up may
  // have looked before it was kept). `deciding_again` (from its kept copy,
  // Redecide): kept only while this alert is still the one kept — a
  // resolution that dropped it meanwhile stays final, and a newer firing of
  // its labels kept since stays kept.
  absl::Status KeepOrDrop(const domain::Alert& alert, const std::string& fingerprint,
                          const std::vector<Decision>& decisions, bool was_muted,
                          const internal::Mutes& read, bool deciding_again = false);
  absl::Status Redecide(const std::string& fingerprint);
  // When the kept alert `alert`, just decided again from its copy into an
  // incident, ended meanwhile: no longer the one kept, and a resolution
  // recorded an end (AlertStore::RecordedEnd) that it did not start after
  // (ports::StartedAfterEnd). nullopt when it did not end: still kept, or
  // dropped by a replica deciding it too, or replaced by a newer alert of
  // its labels without a resolution.
  absl::StatusOr<std::optional<absl::Time>> EndedMeanwhile(const std::string& fingerprint,
                                                           const domain::Alert& alert);
  // The incidents of `decisions` (a recorded answer of `alert`) to decide
  // again, when `alert` is a firing one its source re-sends (see above):
  // those no longer active, and those still active that hold the alert as
  // resolved — Alertmanager fires an alert again with its first startsAt
  // (so its first id) after a resolution caused by a gap in Prometheus's
  // evaluations; joining it again is a flap, which resumes the escalation
  // and ends the quiet spell. Empty otherwise.
  absl::StatusOr<std::set<std::string>> IncidentsToDecideAgain(
      const domain::Alert& alert, const std::vector<Decision>& decisions);
  absl::Status WakeInhibitedBy(const std::string& incident_id);
  // Replaces the recorded answer of `alert_id` for the plans in `decisions`.
  absl::Status Rerecord(const std::string& alert_id, const std::string& fingerprint,
                        const std::vector<Decision>& decisions);
  absl::StatusOr<Decision> ForPlan(const domain::Plan& plan, const domain::Trigger& trigger,
                                   const CatalogData& catalog,
                                   const domain::Alert& alert, const std::string& fingerprint,
                                   const std::vector<domain::Silence>& silences,
                                   const std::vector<domain::ActiveIncident>& active);
  // `trigger`: the plan's trigger the alert matched; an incident a
  // counting trigger opens links the complaints of its window.
  absl::StatusOr<Decision> Fire(const domain::Plan& plan, const domain::Trigger& trigger,
                                const CatalogData& catalog, const domain::Alert& alert,
                                const std::string& fingerprint, bool may_open);
  absl::StatusOr<ports::WriteOutcome> Join(const ports::Incident& incident,
                                           const domain::Alert& alert,
                                           const std::string& fingerprint, Decision& decision);
  absl::StatusOr<ports::WriteOutcome> Open(const domain::Plan& plan, const domain::Trigger& trigger,
                                           const CatalogData& catalog, const domain::Alert& alert,
                                           const std::string& fingerprint, Decision& decision);
  absl::StatusOr<Decision> Resolve(const domain::Plan& plan, const CatalogData& catalog,
                                   const domain::Alert& alert, const std::string& fingerprint);

  ports::AlertStore& store_;
  const Catalog& catalog_;
  const runtime::Clock& clock_;
  AlertStats& stats_;
  IncidentStats& incident_stats_;
  std::function<void()> wake_;
};

}  // namespace sqms::alerts::app
