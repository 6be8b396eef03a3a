#include "services/complaints/app/known_issues.h"

#include <algorithm>
#include <utility>

#include "services/complaints/app/complaint_service.h"

namespace sqms::complaints::app {

KnownIssues::KnownIssues(ports::IncidentRegistry& registry, absl::Duration lookback,
                         const runtime::Clock& clock, absl::Duration settle)
    : registry_(registry),
      lookback_(lookback),
      clock_(clock),
      settle_(settle),
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
  const absl::Time due = clock_.Now() + settle_;
  absl::MutexLock lock(&mu_);
  for (const domain::ActiveIncident& was : *snapshot_) {
    const bool stays = std::any_of(fresh->begin(), fresh->end(),
                                   [&](const domain::ActiveIncident& i) { return i.id == was.id; });
    if (!stays) left_.push_back({was, due});
  }
  snapshot_ = std::move(fresh);
  return absl::OkStatus();
}

absl::Duration KnownIssues::SettleFor(absl::Duration redis_timeout) {
  return std::max(kDefaultSettle, 2 * (1 + ComplaintService::kMaxCreateAttempts) * redis_timeout);
}

std::vector<domain::ActiveIncident> KnownIssues::TakeLeft() {
  const absl::Time now = clock_.Now();
  std::vector<domain::ActiveIncident> out;
  absl::MutexLock lock(&mu_);
  std::erase_if(left_, [&](Left& l) {
    if (l.due > now) return false;
    out.push_back(std::move(l.incident));
    return true;
  });
  return out;
}

void KnownIssues::ReturnLeft(domain::ActiveIncident incident) {
  const absl::Time due = clock_.Now() + settle_;
  absl::MutexLock lock(&mu_);
  left_.push_back({std::move(incident), due});
}

}  // namespace sqms::complaints::app
