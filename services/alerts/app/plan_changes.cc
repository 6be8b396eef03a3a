#include "services/alerts/app/plan_changes.h"

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
  std::vector<std::string> risks, targets;
  for (const domain::Risk& r : catalog.risks) risks.push_back(r.id);
  for (const notify::Target& t : catalog.targets) targets.push_back(t.id);
  return domain::ValidatePlan(plan, risks, targets);
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
    : store_(store), catalog_(catalog) {
  for (const domain::Plan& plan : catalog_.Snapshot()->plans) {
    config_order_.push_back(plan.id);
    config_[plan.id] = ConfigPlan{.plan = plan, .seed = fingerprint(plan)};
  }
}

absl::StatusOr<domain::Plan> PlanChanges::Upsert(domain::Plan plan, int64_t expected_version) {
  absl::MutexLock lock(&mu_);
  const std::shared_ptr<const CatalogData> catalog = catalog_.Snapshot();
  std::vector<runtime::FieldViolation> violations;
  for (const domain::PlanViolation& v : Violations(plan, *catalog)) {
    violations.push_back({absl::StrCat("plan.", v.field), v.problem});
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
    return absl::AbortedError(absl::StrCat("plan ", write.plan.id, " is at version ",
                                           write.current_version, ", not ", expected_version));
  }
  catalog_.ReplacePlans(With(catalog->plans, write.plan));
  return write.plan;
}

absl::Status PlanChanges::Refresh() {
  absl::MutexLock lock(&mu_);
  absl::StatusOr<std::vector<ports::StoredPlan>> stored = store_.ListPlans();
  if (!stored.ok()) return stored.status();
  std::map<std::string, const ports::StoredPlan*> by_id;
  for (const ports::StoredPlan& s : *stored) by_id[s.id] = &s;
  const std::shared_ptr<const CatalogData> catalog = catalog_.Snapshot();

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
        const std::string problem = s.problem.empty() ? Problems(s.plan, *catalog) : s.problem;
        if (problem.empty()) {
          in_force = s.plan;
        } else {
          Reject(s, problem);
        }
      }
    }
    plans.push_back(std::move(in_force));
  }
  for (const ports::StoredPlan& s : *stored) {
    if (config_.contains(s.id)) continue;
    const std::string problem = s.problem.empty() ? Problems(s.plan, *catalog) : s.problem;
    if (problem.empty()) {
      plans.push_back(s.plan);
    } else {
      Reject(s, problem);
    }
  }
  catalog_.ReplacePlans(std::move(plans));
  return absl::OkStatus();
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

}  // namespace sqms::alerts::app
