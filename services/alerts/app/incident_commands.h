#pragma once
// What people do to incidents (AlertService's commands), drills and
// silences. Every command is one compare-and-set write of the incident,
// retried on a version conflict, carrying the caller's request id: a retry
// of a command that landed returns the incident as it is, changing nothing.
// Illegal transitions are FAILED_PRECONDITION ("cannot acknowledge a
// resolved incident"); an unknown incident NOT_FOUND; bad input
// INVALID_ARGUMENT naming the field. A request id names one command: the
// same id with a different command (kind, incident, plan, payload or
// actor) is FAILED_PRECONDITION on field "request_id" and changes nothing
// (request_ids.h) — for every command here that takes one, drills and
// silences included.

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "services/alerts/app/catalog.h"
#include "services/alerts/ports/alert_store.h"
#include "sqms/runtime/clock.h"

namespace sqms::alerts::app {

struct CommandContext {
  std::string actor;       // token subject
  std::string request_id;  // required (field "request_id")
};

// Which kept muted alerts ListMutedAlerts lists: those with one mute for
// which every filter set ("" = any) holds.
struct MutedAlertFilter {
  std::string plan_id;
  std::string silence_id;    // the alerts this silence holds
  std::string inhibited_by;  // the alerts this incident inhibits
};

struct DrillReport {
  std::string incident_id;
  std::string plan_id;
  absl::Time started_at;
  std::optional<absl::Duration> to_acknowledge;
  int acknowledged_at_tier = -1;
  // Tier, first paged; a tier whose pages were all cancelled unsent (the
  // acknowledgement came first) was not notified.
  std::vector<std::pair<int, absl::Time>> tiers_notified;
  struct Step {
    int index = 0;
    std::string title;
    int expected_minutes = 0;             // 0: no time set for it
    std::optional<absl::Duration> taken;  // since the drill opened
    bool late = false;                    // taken > expected (timed steps only)
  };
  std::vector<Step> steps;
  // Steps not done by the drill's end, or, while it runs, past their
  // expected minutes; a step still within its time is not missed yet.
  int missed_steps = 0;
  std::optional<absl::Duration> to_resolve;
  std::string previous_incident_id;
  std::optional<absl::Duration> previous_to_acknowledge;
  std::optional<absl::Duration> previous_to_resolve;
};

// Observes lifecycle milestones for MTTA / MTTR histograms: Acknowledged
// once per incident, at its first acknowledgement (not again after an
// ack_expiry), Resolved at each resolution.
class IncidentStats {
 public:
  virtual ~IncidentStats() = default;
  virtual void Acknowledged(const ports::Incident& incident) = 0;
  virtual void Resolved(const ports::Incident& incident) = 0;
};

class IncidentCommands {
 public:
  IncidentCommands(ports::AlertStore& store, const Catalog& catalog, const runtime::Clock& clock,
                   IncidentStats& stats, std::function<void()> wake);

  absl::StatusOr<ports::Incident> Get(const std::string& id);
  absl::StatusOr<std::vector<ports::Incident>> List(const ports::ListFilter& filter);
  // The incident's deliveries with their status and last attempt, in order.
  absl::StatusOr<std::vector<ports::Delivery>> Deliveries(const ports::Incident& incident);

  // Who, when and at which tier; cancels the pending escalation; schedules
  // the plan's ack_expiry; ACKNOWLEDGED event; MTTA observed once.
  absl::StatusOr<ports::Incident> Acknowledge(const std::string& id, const CommandContext& ctx,
                                              const std::string& comment);
  // From triggered it acknowledges too, recording exactly what Acknowledge
  // records (ACKNOWLEDGED event before MITIGATING, MTTA observed) except
  // the ack_expiry, which a mitigating incident does not have.
  absl::StatusOr<ports::Incident> Mitigate(const std::string& id, const CommandContext& ctx,
                                           const std::string& comment);
  // Sends a "resolved" notice to every target notified so far.
  absl::StatusOr<ports::Incident> Resolve(const std::string& id, const CommandContext& ctx,
                                          const std::string& comment);
  // `review` required (field "review").
  absl::StatusOr<ports::Incident> Close(const std::string& id, const CommandContext& ctx,
                                        const std::string& review);
  absl::StatusOr<ports::Incident> CompleteStep(const std::string& id, const CommandContext& ctx,
                                               int step);
  absl::StatusOr<ports::Incident> AddNote(const std::string& id, const CommandContext& ctx,
                                          const std::string& text);

  // Opens a drill incident of `plan_id` (field "plan_id") with `labels` as
  // its alert's labels, through the same path as a real one, drill-marked.
  absl::StatusOr<ports::Incident> StartDrill(const std::string& plan_id,
                                             const domain::Labels& labels,
                                             const CommandContext& ctx);
  absl::StatusOr<DrillReport> Report(const std::string& incident_id);

  // Silences: id, created_by and starts_at (when unset) filled in.
  absl::StatusOr<domain::Silence> CreateSilence(domain::Silence silence, const CommandContext& ctx);
  absl::StatusOr<std::vector<domain::Silence>> ListSilences(bool include_expired);
  absl::StatusOr<domain::Silence> ExpireSilence(const std::string& id);
  // Deletes the silences that ended more than `retention` ago (as
  // Alertmanager's --data.retention does): every alert decision reads the
  // silences, so they must not pile up for ever. Returns how many.
  absl::StatusOr<int> PruneSilences(absl::Duration retention);

  // The kept muted alerts (alert_processor.h, "Kept muted alerts") that
  // `filter` selects, each with all its mutes, oldest kept first (kept_at,
  // then fingerprint). Both silence_id and inhibited_by set:
  // INVALID_ARGUMENT on field "inhibited_by" (a mute has one cause). Only
  // reads; an alert whose mute ended is listed until it is decided again.
  absl::StatusOr<std::vector<ports::MutedAlert>> ListMutedAlerts(const MutedAlertFilter& filter);

 private:
  using Mutation = std::function<absl::Status(ports::IncidentWrite&)>;
  using ArgumentCheck = std::function<absl::Status(const ports::Incident&)>;
  // The command `kind` with `payload` (its comment, review, step or text):
  // reads the incident (NOT_FOUND) and runs `check` on it — refusals of the
  // command's arguments that no change of the incident's state alters (a
  // step its plan does not have) — so a refused command binds nothing and
  // its corrected form may reuse the request id; then binds the request id
  // to the command (request_ids.h: FAILED_PRECONDITION when the id came
  // with another command), applies `mutate` to a copy, writes with
  // compare-and-set; retries on a conflict (re-reading and re-deciding),
  // returns the stored incident. A refusal by `mutate` (a transition the
  // state does not allow) comes after the binding: a retry of a command
  // that landed sees the state it produced and must get its first outcome.
  // `written` (if given) says whether this call wrote it — false for a
  // retry of a command that had landed — so milestones are observed once.
  absl::StatusOr<ports::Incident> Change(const std::string& id, const CommandContext& ctx,
                                         std::string_view kind, const std::string& payload,
                                         const Mutation& mutate, bool* written = nullptr,
                                         const ArgumentCheck& check = nullptr);

  ports::AlertStore& store_;
  const Catalog& catalog_;
  const runtime::Clock& clock_;
  IncidentStats& stats_;
  std::function<void()> wake_;
};

}  // namespace sqms::alerts::app
