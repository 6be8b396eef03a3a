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
// decode or no longer validates (e.g. names a target or rotation removed
// from the file, or breaks a limit a later release added) is logged (once
// per version) and the file's plan of that id stays in force, at the
// stored plan's version, so an UpsertPlan decided on it can repair it.
//
// An UpsertPlan may not move the last plan of a high or critical risk to
// another risk (requirements.md §3.1; the file is checked at load, and
// plans cannot be deleted through the API).
//
// Retired plans: an open incident keeps its plan after the configuration
// lost it. Every refresh records the plans in force in the store as the
// last known plans (ports::AlertStore::PutKnownPlan; a plan is written
// when this replica's plan of that id changed since it last recorded it,
// or a retirement check — which reads them — finds the store lacking it).
// A last known plan no longer in force — removed
// from the config file, or only the store had it and it no longer
// validates — while incidents opened under it are still open (triggered,
// acknowledged or mitigating; drills too) is installed as retired
// (CatalogData::retired_plans): it escalates, re-pages, resolves and
// reports those incidents and does nothing else. A warning names it with
// its open incident count when this replica first retires it (at
// start-up). Once none of its incidents is open it is dropped, here and
// from the store. An UpsertPlan of its id makes it a plan in force again.
// An open incident whose plan no replica recorded (opened before last
// known plans existed) gets a stand-in rebuilt from the pages it sent —
// each tier's targets and recipients as paged, the default ack timeout, no
// triggers or steps — and an error is logged; with no page recorded there
// is nobody to page, the error says so and its escalation timers fail
// (and are retried) until the plan is back. Open incidents are read at
// the first refresh, at every refresh while a plan is retired, and
// otherwise about once a minute (every 60 refreshes): an incident opened by
// an older replica that records no last known plans is found within that.
//
// What is wrong now, for operators (Health; sqms-alerts exports it as the
// sqms_alerts_stored_plans_invalid, sqms_alerts_risks_without_plan and
// sqms_alerts_plans_retired gauges, which the rules in
// deploy/prometheus/rules/alerts.rules.yml alert on): a log line once is
// easy to miss, and a plan out of force pages nobody when its risk strikes.
//
// Thread-safe. Upsert and Refresh are serialised (a mutex held over the
// store call), so a refresh that read before an upsert never installs the
// older plan after it. Both block on the store: call them from worker
// threads, not from a gRPC callback or the Redis I/O thread. health()
// never blocks on the store.

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
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

  // Validates `plan` — domain::ValidatePlan against the catalog's risks,
  // targets and rotations, the check the config file's plans passed at
  // start-up; and a risk_id change that leaves a high or critical risk
  // without a plan in force — INVALID_ARGUMENT with field violations
  // "plan.<field>" ("plan.escalation[0].notify[0]",
  // "plan.steps[0].expected_minutes"), then writes it. `expected_version`:
  // 0 = create (the id must be unknown), else the version in force being
  // replaced; ABORTED ("plan <id> is at version <n>, not <expected>") when
  // it moved, and nothing changes — unless the plan stored one version on
  // is this very plan (a retry of a write whose answer was lost, or the
  // same change made twice), which is answered as the write was. A
  // negative expected_version is INVALID_ARGUMENT on "expected_version".
  // The result carries the stored version (expected_version + 1); it is in
  // this replica's catalog on return. Store errors are returned as they are.
  absl::StatusOr<domain::Plan> Upsert(domain::Plan plan, int64_t expected_version);

  // Reads the stored plans (and, when a retirement check is due, the last
  // known plans and open incidents), installs the plans in force and the
  // retired plans into the catalog, then records the plans in force as
  // last known. On a store error while reading nothing
  // changes and the error is returned; an error recording them is
  // returned after the plans were installed (recorded at the next
  // refresh).
  absl::Status Refresh();

  // As the last successful Refresh found it (all 0 before the first).
  struct Health {
    // Stored plans (changed through UpsertPlan) not in force because they
    // no longer decode or validate against this replica's configuration:
    // the config file's plan of that id is in force instead, or none.
    int stored_plans_invalid = 0;
    // High or critical risks (domain::NeedsPlan) no plan in force covers.
    int risks_without_plan = 0;
    // Plans gone from the configuration, kept for their open incidents.
    int plans_retired = 0;
  };
  Health health() const;

 private:
  struct ConfigPlan {
    domain::Plan plan;
    std::string seed;
  };
  using OpenIncidents = std::vector<const ports::Incident*>;

  // The plans in force: the file's merged with `stored` (see above);
  // `invalid` counts the stored plans left out as invalid.
  std::vector<domain::Plan> InForce(const std::vector<ports::StoredPlan>& stored,
                                    const CatalogData& catalog, int& invalid)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // The problem with `plan` against the catalog's risks, targets and
  // rotations ("" if none): "<field>: <problem>; …".
  std::string Problems(const domain::Plan& plan, const CatalogData& catalog) const;
  // Logs a stored plan not put in force, once per id, version and problem.
  void Reject(const ports::StoredPlan& stored, const std::string& problem)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Logs each high or critical risk without a plan in force (once, until
  // it has one again).
  void WarnUncoveredRisks(const std::vector<domain::Plan>& in_force, const CatalogData& catalog)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // plan_retirement.cc: whether this refresh reads the last known plans
  // and the open incidents (Retired): at the first, at every one while a
  // plan is retired, else every 60th.
  bool RetirementCheckDue() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // plan_retirement.cc: the retired plans given the plans in force and the
  // last known ones; drops those none of whose incidents is open.
  absl::StatusOr<std::vector<domain::Plan>> Retired(const std::vector<domain::Plan>& in_force,
                                                    const std::vector<ports::StoredPlan>& known,
                                                    const CatalogData& catalog)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // A stand-in for plan `id` of `open` from their pages; nullopt (logged)
  // when none was recorded.
  absl::StatusOr<std::optional<domain::Plan>> StandIn(const std::string& id,
                                                      const OpenIncidents& open);
  // Records `in_force` as the last known plans (see above); `known` is
  // the store's, when this refresh read them (else nullptr: only what this
  // replica recorded is compared).
  absl::Status RecordKnown(const std::vector<domain::Plan>& in_force,
                           const std::vector<ports::StoredPlan>* known)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // "<version>|<fingerprint>": a plan as recorded.
  std::string RecordKey(const domain::Plan& plan) const;

  // After a refused write: the plan stored at expected_version + 1 when it
  // has `plan`'s content (fingerprint_) and is the version in force
  // (`current_version`, as the refusal found it: an edited config file may
  // have put its own plan in force over it), else none.
  absl::StatusOr<std::optional<domain::Plan>> Landed(const domain::Plan& plan,
                                                     int64_t expected_version,
                                                     int64_t current_version)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  ports::AlertStore& store_;
  Catalog& catalog_;
  const PlanFingerprint fingerprint_;
  std::vector<std::string> config_order_;  // the file's plan ids, in its order
  std::map<std::string, ConfigPlan> config_;
  absl::Mutex mu_;
  std::set<std::string> rejected_ ABSL_GUARDED_BY(mu_);
  // id → RecordKey of the plan this replica last recorded as last known.
  std::map<std::string, std::string> recorded_ ABSL_GUARDED_BY(mu_);
  // Stand-ins of plans nobody recorded, kept while their incidents are open.
  std::map<std::string, domain::Plan> stand_ins_ ABSL_GUARDED_BY(mu_);
  bool open_incidents_read_ ABSL_GUARDED_BY(mu_) = false;
  int refreshes_since_read_ ABSL_GUARDED_BY(mu_) = 0;
  std::set<std::string> retired_ ABSL_GUARDED_BY(mu_);    // logged as retired
  std::set<std::string> uncovered_ ABSL_GUARDED_BY(mu_);  // risks logged without a plan
  // Its own mutex: a scrape must not wait for a Refresh blocked on the store.
  mutable absl::Mutex health_mu_;
  Health health_ ABSL_GUARDED_BY(health_mu_);
};

}  // namespace sqms::alerts::app
