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
// counted for keep their recorded decision. Two replicas opening one group
// race on the group index: one opens, the other joins.

#include <functional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "services/alerts/app/catalog.h"
#include "services/alerts/app/incident_commands.h"
#include "services/alerts/domain/alert.h"
#include "services/alerts/ports/alert_store.h"
#include "sqms/runtime/clock.h"

namespace sqms::alerts::app {

enum class Outcome {
  kOpened, kGrouped, kDuplicate, kSilenced, kInhibited, kResolved, kNoIncident, kCounted
};
std::string_view OutcomeName(Outcome outcome);  // "opened", …

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

 private:
  absl::StatusOr<Decision> ForPlan(const domain::Plan& plan, const domain::Trigger& trigger,
                                   const CatalogData& catalog,
                                   const domain::Alert& alert, const std::string& fingerprint,
                                   const std::vector<domain::Silence>& silences,
                                   const std::vector<domain::ActiveIncident>& active);
  absl::StatusOr<Decision> Fire(const domain::Plan& plan, const CatalogData& catalog,
                                const domain::Alert& alert, const std::string& fingerprint,
                                bool may_open);
  absl::StatusOr<ports::WriteOutcome> Join(const ports::Incident& incident,
                                           const domain::Alert& alert,
                                           const std::string& fingerprint, Decision& decision);
  absl::StatusOr<ports::WriteOutcome> Open(const domain::Plan& plan, const CatalogData& catalog,
                                           const domain::Alert& alert,
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
