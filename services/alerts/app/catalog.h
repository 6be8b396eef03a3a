#pragma once
// The configuration the use cases read: plans, risks, targets, rotations,
// inhibition rules and the operator's time zone. Loaded at start from the
// YAML file; UpsertPlan replaces a plan at run time. Thread-safe: readers
// get a snapshot (shared_ptr), a change swaps in a new one.

#include <memory>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "services/alerts/domain/inhibition.h"
#include "services/alerts/domain/plan.h"
#include "services/alerts/domain/risk.h"
#include "services/alerts/domain/rotation.h"
#include "services/alerts/notify/target.h"

namespace sqms::alerts::app {

struct CatalogData {
  absl::TimeZone zone;
  std::vector<domain::Risk> risks;
  std::vector<domain::Rotation> rotations;
  std::vector<notify::Target> targets;
  std::vector<domain::Plan> plans;
  std::vector<domain::InhibitRule> inhibit_rules;

  const domain::Plan* FindPlan(const std::string& id) const;
  const notify::Target* FindTarget(const std::string& id) const;
};

class Catalog {
 public:
  explicit Catalog(CatalogData data);
  std::shared_ptr<const CatalogData> Snapshot() const;
  // Validates `plan` (domain::ValidatePlan against the known risks and
  // targets; violations as INVALID_ARGUMENT field violations "plan.<field>")
  // and replaces or adds it. `expected_version`: 0 = must be new, else the
  // current version (ABORTED when it moved). The stored plan gets version+1.
  absl::StatusOr<domain::Plan> Upsert(domain::Plan plan, int64_t expected_version);

 private:
  mutable absl::Mutex mu_;
  std::shared_ptr<const CatalogData> data_ ABSL_GUARDED_BY(mu_);
};

}  // namespace sqms::alerts::app
