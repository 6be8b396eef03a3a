#include "services/alerts/app/catalog.h"

#include <utility>

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

void Catalog::ReplacePlans(std::vector<domain::Plan> plans) {
  absl::MutexLock lock(&mu_);
  auto next = std::make_shared<CatalogData>(*data_);
  next->plans = std::move(plans);
  data_ = std::move(next);
}

}  // namespace sqms::alerts::app
