#pragma once
// UpsertPlan made durable and shared: a plan changed through the API is
// written to the store (ports::AlertStore::WritePlan, compare-and-set on
// its version), installed at once in this replica's Catalog, and picked up
// by every other replica at its next Refresh (sqms-alerts refreshes every
// second). A restart keeps it: the first Refresh merges the stored plans
// into the config file's.
//
// Precedence (domain/plan_source.h): the config file seeds plans; a plan
// changed through the API wins — across restarts — until the config file's
// own version of that plan is edited; then the file's wins (at the stored
// version + 1) until the next change through the API. A plan created
// through the API that the file lacks is kept. A stored plan that does not
// decode or no longer validates (e.g. names a target removed from the
// file) is logged (once per version) and the file's plan of that id stays
// in force, at the stored plan's version, so an UpsertPlan decided on it
// can repair it.
//
// Thread-safe. Upsert and Refresh are serialised (a mutex held over the
// store call), so a refresh that read before an upsert never installs the
// older plan after it. Both block on the store: call them from worker
// threads, not from a gRPC callback or the Redis I/O thread.

#include <cstdint>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "services/alerts/app/catalog.h"
#include "services/alerts/domain/plan.h"
#include "services/alerts/ports/alert_store.h"

namespace sqms::alerts::app {

// A stable fingerprint of a plan's content without its version
// (codec::PlanFingerprint in production).
using PlanFingerprint = std::function<std::string(const domain::Plan&)>;

class PlanChanges {
 public:
  // Takes the plans `catalog` holds now as the config file's. Borrows
  // `store` and `catalog`; both must outlive this.
  PlanChanges(ports::AlertStore& store, Catalog& catalog, PlanFingerprint fingerprint);

  // Validates `plan` (domain::ValidatePlan against the catalog's risks and
  // targets: INVALID_ARGUMENT with field violations "plan.<field>"), then
  // writes it. `expected_version`: 0 = create (the id must be unknown),
  // else the version in force being replaced; ABORTED ("plan <id> is at
  // version <n>, not <expected>") when it moved, and nothing changes. The
  // result carries the stored version (expected_version + 1); it is in this
  // replica's catalog on return. Store errors are returned as they are.
  absl::StatusOr<domain::Plan> Upsert(domain::Plan plan, int64_t expected_version);

  // Reads the stored plans and installs the plans in force into the
  // catalog. On a store error nothing changes and the error is returned.
  absl::Status Refresh();

 private:
  struct ConfigPlan {
    domain::Plan plan;
    std::string seed;
  };
  // The problem with `plan` against the catalog's risks and targets ("" if
  // none): "<field>: <problem>; …".
  std::string Problems(const domain::Plan& plan, const CatalogData& catalog) const;
  // Logs a stored plan not put in force, once per id, version and problem.
  void Reject(const ports::StoredPlan& stored, const std::string& problem)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  ports::AlertStore& store_;
  Catalog& catalog_;
  std::vector<std::string> config_order_;  // the file's plan ids, in its order
  std::map<std::string, ConfigPlan> config_;
  absl::Mutex mu_;
  std::set<std::string> rejected_ ABSL_GUARDED_BY(mu_);
};

}  // namespace sqms::alerts::app
