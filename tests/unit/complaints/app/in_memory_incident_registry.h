#pragma once
// ports::IncidentRegistry in memory, for the service's unit tests. Passes
// tests/contract/incident_registry_contract.h like the Redis registry.
// `fail_next` makes the next call UNAVAILABLE (a store outage).

#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "services/complaints/ports/incident_registry.h"

namespace sqms::complaints::app::testing {

class InMemoryIncidentRegistry final : public ports::IncidentRegistry {
 public:
  absl::Status Activate(const domain::ActiveIncident& incident) override {
    absl::MutexLock lock(&mu_);
    if (auto s = Enter(); !s.ok()) return s;
    if (!ended_.contains(incident.id)) active_[incident.id] = incident;
    return absl::OkStatus();
  }
  absl::Status End(const std::string& incident_id) override {
    absl::MutexLock lock(&mu_);
    if (auto s = Enter(); !s.ok()) return s;
    active_.erase(incident_id);
    ended_.insert(incident_id);
    return absl::OkStatus();
  }
  absl::StatusOr<std::vector<domain::ActiveIncident>> Active() override {
    absl::MutexLock lock(&mu_);
    if (auto s = Enter(); !s.ok()) return s;
    std::vector<domain::ActiveIncident> out;
    for (const auto& [id, incident] : active_) out.push_back(incident);
    return out;
  }
  void FailNext() {
    absl::MutexLock lock(&mu_);
    fail_next_ = true;
  }

 private:
  absl::Status Enter() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    if (!fail_next_) return absl::OkStatus();
    fail_next_ = false;
    return absl::UnavailableError("incident registry down (test)");
  }
  absl::Mutex mu_;
  std::map<std::string, domain::ActiveIncident> active_ ABSL_GUARDED_BY(mu_);
  std::set<std::string> ended_ ABSL_GUARDED_BY(mu_);
  bool fail_next_ ABSL_GUARDED_BY(mu_) = false;
};

}  // namespace sqms::complaints::app::testing
