#include "services/complaints/app/known_issues.h"

#include <utility>

namespace sqms::complaints::app {

KnownIssues::KnownIssues(ports::IncidentRegistry& registry, absl::Duration lookback)
    : registry_(registry),
      lookback_(lookback),
      snapshot_(std::make_shared<const std::vector<domain::ActiveIncident>>()) {}

std::optional<domain::ActiveIncident> KnownIssues::Match(
    const domain::Complaint& complaint) const {
  std::shared_ptr<const std::vector<domain::ActiveIncident>> active;
  {
    absl::MutexLock lock(&mu_);
    active = snapshot_;
  }
  const domain::ActiveIncident* found = domain::FindKnownIssue(complaint, *active, lookback_);
  if (found == nullptr) return std::nullopt;
  return *found;
}

absl::Status KnownIssues::Record(const domain::IncidentChange& change) {
  absl::Status recorded = change.ended ? registry_.End(change.incident.id)
                                       : registry_.Activate(change.incident);
  if (!recorded.ok()) return recorded;
  return Refresh();
}

absl::Status KnownIssues::Refresh() {
  auto active = registry_.Active();
  if (!active.ok()) return active.status();
  auto fresh = std::make_shared<const std::vector<domain::ActiveIncident>>(*std::move(active));
  absl::MutexLock lock(&mu_);
  snapshot_ = std::move(fresh);
  return absl::OkStatus();
}

}  // namespace sqms::complaints::app
