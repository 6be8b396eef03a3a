#pragma once
// The active incidents this replica links new complaints to as known issues
// (domain/known_issue.h): a snapshot of the shared registry, so a
// submission costs no extra round trip. The snapshot is refreshed by the
// caller (main: every second, on a PeriodicTask) and at once after this
// replica applied an incident change; another replica's change is seen
// within one refresh.

#include <memory>
#include <optional>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "services/complaints/domain/known_issue.h"
#include "services/complaints/ports/incident_registry.h"

namespace sqms::complaints::app {

class KnownIssues {
 public:
  // `lookback`: how long before an incident opened a complaint's
  // occurrence may lie and still be linked to it.
  KnownIssues(ports::IncidentRegistry& registry, absl::Duration lookback);

  // The incident `complaint` is a known instance of, per the snapshot.
  // Thread-safe, never blocks on the store.
  std::optional<domain::ActiveIncident> Match(const domain::Complaint& complaint) const;

  // Records `change` in the registry (Activate or End), then refreshes.
  // Errors are the registry's (retry: both are idempotent).
  absl::Status Record(const domain::IncidentChange& change);
  // Reloads the snapshot from the registry; on error the old one stays.
  absl::Status Refresh();

 private:
  ports::IncidentRegistry& registry_;
  const absl::Duration lookback_;
  mutable absl::Mutex mu_;
  std::shared_ptr<const std::vector<domain::ActiveIncident>> snapshot_ ABSL_GUARDED_BY(mu_);
};

}  // namespace sqms::complaints::app
