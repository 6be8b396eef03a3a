#pragma once
// The active incidents this replica links new complaints to as known issues
// (domain/known_issue.h): a snapshot of the shared registry, so a
// submission costs no extra round trip. The snapshot is refreshed by the
// caller (main: every second, on a PeriodicTask) and at once after this
// replica applied an incident change; another replica's change is seen
// within one refresh.
//
// Until then a submission on another replica can still match an incident
// that has ended, and be held after the ending replica's release scan
// (ComplaintService::ApplyIncidentChange) has run: nothing would release
// it, its SLA clock held for good. So every replica remembers the incidents
// that left its snapshot and, `settle` later (when the submissions that
// matched before have reached the store), hands them out (TakeLeft) for a
// release scan of its own.

#include <memory>
#include <optional>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "services/complaints/domain/known_issue.h"
#include "services/complaints/ports/incident_registry.h"
#include "sqms/runtime/clock.h"

namespace sqms::complaints::app {

class KnownIssues {
 public:
  // `lookback`: how long before an incident opened a complaint's
  // occurrence may lie and still be linked to it.
  KnownIssues(ports::IncidentRegistry& registry, absl::Duration lookback,
              const runtime::Clock& clock, absl::Duration settle = kDefaultSettle);

  // Longer than a submission takes from Match to its create in the store
  // with the default Redis command timeout (2 s): SettleFor.
  static constexpr absl::Duration kDefaultSettle = absl::Seconds(15);
  // The settle time for a Redis command timeout: a submission's reservation
  // and create attempts (ComplaintService::kMaxCreateAttempts), each
  // bounded by it, twice over; at least kDefaultSettle.
  static absl::Duration SettleFor(absl::Duration redis_timeout);

  // The incident `complaint` is a known instance of, per the snapshot.
  // Thread-safe, never blocks on the store.
  std::optional<domain::ActiveIncident> Match(const domain::Complaint& complaint) const;

  // Records `change` in the registry (Activate or End), then refreshes.
  // Errors are the registry's (retry: both are idempotent).
  absl::Status Record(const domain::IncidentChange& change);
  // Reloads the snapshot from the registry; on error the old one stays.
  // Incidents in the old snapshot and not in the new one have left.
  absl::Status Refresh();

  // The incidents that left the snapshot at least `settle` ago, each once.
  std::vector<domain::ActiveIncident> TakeLeft();
  // Hands `incident` out again `settle` from now (its release failed).
  void ReturnLeft(domain::ActiveIncident incident);

 private:
  struct Left {
    domain::ActiveIncident incident;
    absl::Time due;
  };
  ports::IncidentRegistry& registry_;
  const absl::Duration lookback_;
  const runtime::Clock& clock_;
  const absl::Duration settle_;
  mutable absl::Mutex mu_;
  std::shared_ptr<const std::vector<domain::ActiveIncident>> snapshot_ ABSL_GUARDED_BY(mu_);
  std::vector<Left> left_ ABSL_GUARDED_BY(mu_);
};

}  // namespace sqms::complaints::app
