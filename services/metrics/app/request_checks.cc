#include "services/metrics/app/request_checks.h"

#include "absl/strings/str_cat.h"
#include "services/metrics/domain/kpi_breakdown.h"

namespace sqms::metrics::app {

std::optional<domain::Dimension> DimensionOf(const std::string& name, const std::string& path,
                                             std::vector<runtime::FieldViolation>& violations) {
  if (name.empty()) return domain::Dimension::kTotal;
  if (auto d = domain::ParseDimension(name)) return d;
  violations.push_back({path, absl::StrCat("unknown dimension '", name, "'")});
  return std::nullopt;
}

const domain::KpiDefinition* KpiOf(const std::string& name, const std::string& path,
                                   std::vector<runtime::FieldViolation>& violations) {
  if (name.empty()) {
    violations.push_back({path, "required"});
    return nullptr;
  }
  const domain::KpiDefinition* kpi = domain::FindKpi(name);
  if (kpi == nullptr) {
    violations.push_back({path, absl::StrCat("unknown KPI '", name, "' (ListKpiDefinitions)")});
  }
  return kpi;
}

void CheckTotalUnit(domain::Dimension dimension, const std::string& unit, const std::string& path,
                    std::vector<runtime::FieldViolation>& violations) {
  if (dimension != domain::Dimension::kTotal || unit.empty() || unit == "all") return;
  violations.push_back(
      {path, absl::StrCat("'", unit, "' needs its dimension; the total's only unit is all")});
}

void CheckKept(const domain::WindowDimensions& kept, domain::WindowSize size,
               domain::Dimension dimension, const std::string& path,
               std::vector<runtime::FieldViolation>& violations) {
  if (kept.Keeps(size, dimension)) return;
  violations.push_back({path, absl::StrCat("'", std::string(domain::DimensionName(dimension)),
                                           "' is not kept for ",
                                           std::string(domain::WindowSizeName(size)),
                                           " windows (kept: ", kept.KeptNames(size), ")")});
}

void CheckBreakdown(const domain::KpiDefinition& kpi, domain::Dimension dimension,
                    const std::string& path, std::vector<runtime::FieldViolation>& violations) {
  std::string why = domain::WhyNotBrokenDownBy(kpi, dimension);
  if (!why.empty()) violations.push_back({path, std::move(why)});
}

}  // namespace sqms::metrics::app
