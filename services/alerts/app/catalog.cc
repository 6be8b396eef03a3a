#include "services/alerts/app/catalog.h"

#include <utility>

namespace sqms::alerts::app {
namespace {

const domain::Plan* Find(const std::vector<domain::Plan>& plans, const std::string& id) {
  for (const domain::Plan& p : plans) {
    if (p.id == id) return &p;
  }
  return nullptr;
}

}  // namespace

const domain::Plan* CatalogData::FindPlan(const std::string& id) const {
  const domain::Plan* in_force = Find(plans, id);
  return in_force != nullptr ? in_force : Find(retired_plans, id);
}

const domain::Plan* CatalogData::FindPlanInForce(const std::string& id) const {
  return Find(plans, id);
}

bool CatalogData::IsRetired(const std::string& id) const {
  return Find(plans, id) == nullptr && Find(retired_plans, id) != nullptr;
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

void Catalog::ReplacePlans(std::vector<domain::Plan> plans) {
  absl::MutexLock lock(&mu_);
  Install(std::move(plans), data_->retired_plans);
}

void Catalog::ReplacePlans(std::vector<domain::Plan> plans, std::vector<domain::Plan> retired) {
  absl::MutexLock lock(&mu_);
  Install(std::move(plans), std::move(retired));
}

void Catalog::Install(std::vector<domain::Plan> plans, std::vector<domain::Plan> retired) {
  std::erase_if(retired, [&](const domain::Plan& r) { return Find(plans, r.id) != nullptr; });
  auto next = std::make_shared<CatalogData>(*data_);
  next->plans = std::move(plans);
  next->retired_plans = std::move(retired);
  data_ = std::move(next);
}

}  // namespace sqms::alerts::app
