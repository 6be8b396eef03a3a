#include "services/alerts/app/plan_changes.h"

#include <algorithm>
#include <optional>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "services/alerts/domain/plan_source.h"
#include "sqms/runtime/field_violation.h"
#include "sqms/runtime/log.h"

namespace sqms::alerts::app {
namespace {

std::vector<domain::PlanViolation> Violations(const domain::Plan& plan,
                                              const CatalogData& catalog) {
  // The check the config file's plans passed at start-up, against the same ids.
  std::vector<std::string> risks, targets, rotations;
  for (const domain::Risk& r : catalog.risks) risks.push_back(r.id);
  for (const notify::Target& t : catalog.targets) targets.push_back(t.id);
  for (const domain::Rotation& r : catalog.rotations) rotations.push_back(r.id);
  return domain::ValidatePlan(
      plan, domain::PlanReferences{.risks = risks, .targets = targets, .rotations = rotations});
}

// The problem when `plan` in place of the plan in force of its id would
// leave a high or critical risk without a plan in force ("" if none).
std::string RiskLeftWithoutPlan(const domain::Plan& plan, const CatalogData& catalog) {
  const domain::Plan* before = catalog.FindPlanInForce(plan.id);
  if (before == nullptr || before->risk_id == plan.risk_id) return "";
  for (const domain::Plan& p : catalog.plans) {
    if (p.id != plan.id && p.risk_id == before->risk_id) return "";
  }
  for (const domain::Risk& risk : catalog.risks) {
    if (risk.id != before->risk_id || !domain::NeedsPlan(risk)) continue;
    return absl::StrCat(domain::DescribeLevel(risk), " and would have no plan left (plan ", plan.id,
                        " is its last): a high or critical risk needs one");
  }
  return "";
}

// `plans` with `plan` in place of the one of its id, or added last.
std::vector<domain::Plan> With(std::vector<domain::Plan> plans, const domain::Plan& plan) {
  for (domain::Plan& p : plans) {
    if (p.id == plan.id) {
      p = plan;
      return plans;
    }
  }
  plans.push_back(plan);
  return plans;
}

}  // namespace

PlanChanges::PlanChanges(ports::AlertStore& store, Catalog& catalog, PlanFingerprint fingerprint)
    : store_(store), catalog_(catalog), fingerprint_(std::move(fingerprint)) {
  for (const domain::Plan& plan : catalog_.Snapshot()->plans) {
    config_order_.push_back(plan.id);
    config_[plan.id] = ConfigPlan{.plan = plan, .seed = fingerprint_(plan)};
  }
}

absl::StatusOr<domain::Plan> PlanChanges::Upsert(domain::Plan plan, int64_t expected_version) {
  absl::MutexLock lock(&mu_);
  const std::shared_ptr<const CatalogData> catalog = catalog_.Snapshot();
  std::vector<runtime::FieldViolation> violations;
  if (expected_version < 0) {
    violations.push_back({"expected_version", "must be >= 0 (0 creates the plan)"});
  }
  for (const domain::PlanViolation& v : Violations(plan, *catalog)) {
    violations.push_back({absl::StrCat("plan.", v.field), v.problem});
  }
  if (std::string problem = RiskLeftWithoutPlan(plan, *catalog); !problem.empty()) {
    violations.push_back({"plan.risk_id", std::move(problem)});
  }
  if (!violations.empty()) return runtime::InvalidArgument(std::move(violations));
  const auto config = config_.find(plan.id);
  const bool in_config = config != config_.end();
  ports::PlanWrite write{.plan = std::move(plan),
                         .expected_version = expected_version,
                         .config_version = in_config ? config->second.plan.version : 0,
                         .config_seed = in_config ? config->second.seed : std::string(),
                         .current_version = 0};
  absl::StatusOr<ports::WriteOutcome> outcome = store_.WritePlan(write);
  if (!outcome.ok()) return outcome.status();
  if (*outcome != ports::WriteOutcome::kWritten) {
    absl::StatusOr<std::optional<domain::Plan>> landed =
        Landed(write.plan, expected_version, write.current_version);
    if (!landed.ok()) return landed.status();
    if (!landed->has_value()) {
      return absl::AbortedError(absl::StrCat("plan ", write.plan.id, " is at version ",
                                             write.current_version, ", not ", expected_version));
    }
    write.plan = **std::move(landed);
  }
  catalog_.ReplacePlans(With(catalog->plans, write.plan));
  return write.plan;
}

absl::StatusOr<std::optional<domain::Plan>> PlanChanges::Landed(const domain::Plan& plan,
                                                                int64_t expected_version,
                                                                int64_t current_version) {
  absl::StatusOr<std::vector<ports::StoredPlan>> stored = store_.ListPlans();
  if (!stored.ok()) return stored.status();
  for (const ports::StoredPlan& s : *stored) {
    if (s.id == plan.id && s.problem.empty() && s.version == expected_version + 1 &&
        current_version == expected_version + 1 && fingerprint_(s.plan) == fingerprint_(plan)) {
      return std::optional<domain::Plan>(s.plan);
    }
  }
  return std::optional<domain::Plan>();
}

absl::Status PlanChanges::Refresh() {
  absl::MutexLock lock(&mu_);
  absl::StatusOr<std::vector<ports::StoredPlan>> stored = store_.ListPlans();
  if (!stored.ok()) return stored.status();
  const std::shared_ptr<const CatalogData> catalog = catalog_.Snapshot();
  int invalid = 0;
  std::vector<domain::Plan> plans = InForce(*stored, *catalog, invalid);
  // The last known plans are read with the open incidents, when a
  // retirement check is due; between checks nothing is retired.
  std::optional<std::vector<ports::StoredPlan>> known;
  std::vector<domain::Plan> retired;
  if (RetirementCheckDue()) {
    absl::StatusOr<std::vector<ports::StoredPlan>> read = store_.ListKnownPlans();
    if (!read.ok()) return read.status();
    known = *std::move(read);
    absl::StatusOr<std::vector<domain::Plan>> checked = Retired(plans, *known, *catalog);
    if (!checked.ok()) return checked.status();
    retired = *std::move(checked);
  }
  WarnUncoveredRisks(plans, *catalog);
  {
    absl::MutexLock health_lock(&health_mu_);
    health_ = Health{.stored_plans_invalid = invalid,
                     .risks_without_plan = static_cast<int>(uncovered_.size()),
                     .plans_retired = static_cast<int>(retired.size())};
  }
  catalog_.ReplacePlans(plans, std::move(retired));
  return RecordKnown(plans, known ? &*known : nullptr);
}

PlanChanges::Health PlanChanges::health() const {
  absl::MutexLock lock(&health_mu_);
  return health_;
}

std::vector<domain::Plan> PlanChanges::InForce(const std::vector<ports::StoredPlan>& stored,
                                               const CatalogData& catalog, int& invalid) {
  std::map<std::string, const ports::StoredPlan*> by_id;
  for (const ports::StoredPlan& s : stored) by_id[s.id] = &s;
  std::vector<domain::Plan> plans;
  for (const std::string& id : config_order_) {
    const ConfigPlan& config = config_.at(id);
    domain::Plan in_force = config.plan;
    if (auto it = by_id.find(id); it != by_id.end()) {
      const ports::StoredPlan& s = *it->second;
      const domain::PlanSourceChoice choice =
          domain::ChoosePlanSource(config.plan.version, config.seed, s.version, s.seed);
      in_force.version = choice.version;
      if (choice.stored) {
        const std::string problem = s.problem.empty() ? Problems(s.plan, catalog) : s.problem;
        if (problem.empty()) {
          in_force = s.plan;
        } else {
          Reject(s, problem);
          ++invalid;
        }
      }
    }
    plans.push_back(std::move(in_force));
  }
  for (const ports::StoredPlan& s : stored) {
    if (config_.contains(s.id)) continue;
    const std::string problem = s.problem.empty() ? Problems(s.plan, catalog) : s.problem;
    if (problem.empty()) {
      plans.push_back(s.plan);
    } else {
      Reject(s, problem);
      ++invalid;
    }
  }
  return plans;
}

std::string PlanChanges::Problems(const domain::Plan& plan, const CatalogData& catalog) const {
  std::vector<std::string> out;
  for (const domain::PlanViolation& v : Violations(plan, catalog)) {
    out.push_back(absl::StrCat(v.field, ": ", v.problem));
  }
  return absl::StrJoin(out, "; ");
}

void PlanChanges::Reject(const ports::StoredPlan& stored, const std::string& problem) {
  if (!rejected_.insert(absl::StrCat(stored.id, "|", stored.version, "|", problem)).second) return;
  const bool in_config = config_.contains(stored.id);
  runtime::log::Warn(
      in_config ? "stored plan is invalid; the config file's plan stays in force"
                : "stored plan is invalid and the config file has none; plan not in force",
      {{"plan", stored.id}, {"version", stored.version}, {"problem", problem},
       {"fix", "UpsertPlan a valid plan at this version"}});
}

void PlanChanges::WarnUncoveredRisks(const std::vector<domain::Plan>& in_force,
                                     const CatalogData& catalog) {
  for (const domain::Risk& risk : catalog.risks) {
    const bool covered = std::any_of(in_force.begin(), in_force.end(),
                                     [&](const domain::Plan& p) { return p.risk_id == risk.id; });
    if (covered || !domain::NeedsPlan(risk)) {
      uncovered_.erase(risk.id);
    } else if (uncovered_.insert(risk.id).second) {
      runtime::log::Warn(
          "a high or critical risk has no plan in force",
          {{"risk", risk.id},
           {"problem", domain::DescribeLevel(risk)},
           {"fix", "give a plan in force this risk (UpsertPlan or the config file)"}});
    }
  }
}

std::string PlanChanges::RecordKey(const domain::Plan& plan) const {
  return absl::StrCat(plan.version, "|", fingerprint_(plan));
}

absl::Status PlanChanges::RecordKnown(const std::vector<domain::Plan>& in_force,
                                      const std::vector<ports::StoredPlan>* known) {
  std::map<std::string, const ports::StoredPlan*> by_id;
  if (known != nullptr) {
    for (const ports::StoredPlan& k : *known) by_id[k.id] = &k;
  }
  absl::Status first_error;
  for (const domain::Plan& plan : in_force) {
    const std::string key = RecordKey(plan);
    const auto there = by_id.find(plan.id);
    const auto mine = recorded_.find(plan.id);
    const bool mine_current = mine != recorded_.end() && mine->second == key;
    // Not read this refresh: as this replica last recorded it.
    if (known == nullptr && mine_current) continue;
    if (there != by_id.end()) {
      // Recorded by this replica: a different plan there is another
      // replica's (a rolling deploy), not to be fought over every second.
      if (mine_current) continue;
      const ports::StoredPlan& k = *there->second;
      if (mine == recorded_.end() && k.problem.empty() && RecordKey(k.plan) == key) {
        recorded_[plan.id] = key;
        continue;
      }
    }
    if (absl::Status s = store_.PutKnownPlan(plan); !s.ok()) {
      first_error.Update(s);
      continue;
    }
    recorded_[plan.id] = key;
  }
  return first_error;
}

}  // namespace sqms::alerts::app
