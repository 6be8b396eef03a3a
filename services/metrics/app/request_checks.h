#pragma once
// The request checks the read use cases share (KpiQueries, the KPI watch):
// each appends a runtime::FieldViolation naming the request's proto path
// instead of failing at once, so one answer lists every bad field. Pure,
// thread-safe.

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "services/metrics/domain/dimension.h"
#include "services/metrics/domain/kpi.h"
#include "services/metrics/domain/window_dimensions.h"
#include "sqms/runtime/field_violation.h"

namespace sqms::metrics::app {

// The dimension named by `name` ("" = total), or nullopt and a violation at
// `path` ("unknown dimension '…'").
std::optional<domain::Dimension> DimensionOf(const std::string& name, const std::string& path,
                                             std::vector<runtime::FieldViolation>& violations);

// The catalogue's KPI named `name`, or null and a violation at `path`
// ("required" when empty, "unknown KPI '…'" otherwise).
const domain::KpiDefinition* KpiOf(const std::string& name, const std::string& path,
                                   std::vector<runtime::FieldViolation>& violations);

// A violation at `path` when items[i] names what an earlier item named
// (`name_of` gives an item's name): "already listed at index j". A KPI
// asked twice would be answered twice, or weigh twice in a ranking.
template <typename Items, typename NameOf>
void CheckNotRepeated(const Items& items, size_t i, NameOf name_of, const std::string& path,
                      std::vector<runtime::FieldViolation>& violations) {
  for (size_t j = 0; j < i; ++j) {
    if (name_of(items[j]) == name_of(items[i])) {
      violations.push_back({path, absl::StrCat("already listed at index ", j)});
      return;
    }
  }
}

// A violation at `path` when `unit` names a unit for the total dimension,
// whose only unit is "all" ("" and "all" pass): a department read as the
// whole would mislead.
void CheckTotalUnit(domain::Dimension dimension, const std::string& unit, const std::string& path,
                    std::vector<runtime::FieldViolation>& violations);

// A violation at `path` when windows of `size` are not kept by `dimension`
// (metrics.yaml `window_dimensions`): "'agent' is not kept for minute
// windows (kept: total, department, channel)".
void CheckKept(const domain::WindowDimensions& kept, domain::WindowSize size,
               domain::Dimension dimension, const std::string& path,
               std::vector<runtime::FieldViolation>& violations);

// A violation at `path` (the KPI's own field, e.g. "kpis[1]") when `kpi`
// is not broken down by `dimension` (domain/kpi_breakdown.h): "answer_rate
// is not broken down by agent: call_offered events carry no agent".
void CheckBreakdown(const domain::KpiDefinition& kpi, domain::Dimension dimension,
                    const std::string& path, std::vector<runtime::FieldViolation>& violations);

}  // namespace sqms::metrics::app
