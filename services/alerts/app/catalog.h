#pragma once
// The configuration the use cases read: plans, risks, targets, rotations,
// inhibition rules and the operator's time zone. Loaded at start from the
// YAML file; the plans in force are then installed by app::PlanChanges
// (the file's merged with those changed through UpsertPlan, kept in the
// store), and with them the retired plans: plans gone from the
// configuration that open incidents still follow. Thread-safe: readers get
// a snapshot (shared_ptr), a change swaps in a new one.

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
  // The plans in force: they match alerts and open incidents and drills.
  std::vector<domain::Plan> plans;
  std::vector<domain::InhibitRule> inhibit_rules;
  // Retired plans (app/plan_changes.h): gone from the configuration while
  // incidents opened under them are still open. Each still escalates,
  // re-pages, resolves and reports those incidents (FindPlan) and does
  // nothing else: no firing alert matches it, no incident or drill is
  // opened under it, it covers no risk. No id is both here and in `plans`.
  std::vector<domain::Plan> retired_plans;

  // The plan an existing incident of plan `id` follows: the one in force,
  // else the retired one; nullptr when neither.
  const domain::Plan* FindPlan(const std::string& id) const;
  // The plan in force of `id`, never a retired one; nullptr when none.
  const domain::Plan* FindPlanInForce(const std::string& id) const;
  bool IsRetired(const std::string& id) const;
  const notify::Target* FindTarget(const std::string& id) const;
};

class Catalog {
 public:
  explicit Catalog(CatalogData data);
  std::shared_ptr<const CatalogData> Snapshot() const;
  // Swaps in `plans` as the plans in force (everything else kept; a
  // retired plan of an id now in force is dropped). Snapshots already
  // handed out are unchanged.
  void ReplacePlans(std::vector<domain::Plan> plans);
  // The same, with `retired` as the retired plans (those of an id in
  // `plans` left out).
  void ReplacePlans(std::vector<domain::Plan> plans, std::vector<domain::Plan> retired);

 private:
  void Install(std::vector<domain::Plan> plans, std::vector<domain::Plan> retired)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  mutable absl::Mutex mu_;
  std::shared_ptr<const CatalogData> data_ ABSL_GUARDED_BY(mu_);
};

}  // namespace sqms::alerts::app
