#pragma once
// The configuration the use cases read: plans, risks, targets, rotations,
// inhibition rules and the operator's time zone. Loaded at start from the
// YAML file; the plans in force are then installed by app::PlanChanges
// (the file's merged with those changed through UpsertPlan, kept in the
// store). Thread-safe: readers get a snapshot (shared_ptr), a change swaps
// in a new one.

#include <memory>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
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
  // Swaps in `plans` as the plans in force (everything else kept). Snapshots
  // already handed out are unchanged.
  void ReplacePlans(std::vector<domain::Plan> plans);

 private:
  mutable absl::Mutex mu_;
  std::shared_ptr<const CatalogData> data_ ABSL_GUARDED_BY(mu_);
};

}  // namespace sqms::alerts::app
