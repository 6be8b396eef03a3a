#include "services/alerts/app/catalog.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "sqms/runtime/field_violation.h"

namespace sqms::alerts::app {

const domain::Plan* CatalogData::FindPlan(const std::string& id) const {
  for (const domain::Plan& p : plans) {
    if (p.id == id) return &p;
  }
  return nullptr;
}

const notify::Target* CatalogData::FindTarget(const std::string& id) const {
  for (const notify::Target& t : targets) {
    if (t.id == id) return &t;
  }
  return nullptr;
}

Catalog::Catalog(CatalogData data) : data_(std::make_shared<const CatalogData>(std::move(data))) {}

std::shared_ptr<const CatalogData> Catalog::Snapshot() const {
  absl::MutexLock lock(&mu_);
  return data_;
}

absl::StatusOr<domain::Plan> Catalog::Upsert(domain::Plan plan, int64_t expected_version) {
  absl::MutexLock lock(&mu_);
  std::vector<std::string> risks, targets;
  for (const domain::Risk& r : data_->risks) risks.push_back(r.id);
  for (const notify::Target& t : data_->targets) targets.push_back(t.id);
  std::vector<runtime::FieldViolation> violations;
  for (const domain::PlanViolation& v : domain::ValidatePlan(plan, risks, targets)) {
    violations.push_back({absl::StrCat("plan.", v.field), v.problem});
  }
  if (!violations.empty()) return runtime::InvalidArgument(std::move(violations));
  const domain::Plan* current = data_->FindPlan(plan.id);
  const int64_t version = current == nullptr ? 0 : current->version;
  if (version != expected_version) {
    return absl::AbortedError(absl::StrCat("plan ", plan.id, " is at version ", version,
                                           ", not ", expected_version));
  }
  plan.version = version + 1;
  auto next = std::make_shared<CatalogData>(*data_);
  bool replaced = false;
  for (domain::Plan& p : next->plans) {
    if (p.id == plan.id) {
      p = plan;
      replaced = true;
    }
  }
  if (!replaced) next->plans.push_back(plan);
  data_ = std::move(next);
  return plan;
}

}  // namespace sqms::alerts::app
