#pragma once
// Period over period (PDCA): a KPI value against a baseline, and whether the
// change is more than the sample sizes explain.

#include <optional>

#include "services/metrics/domain/kpi.h"

namespace sqms::metrics::domain {

struct Change {
  std::optional<double> delta;  // value − baseline in the KPI's unit; none without both
  // Proportions (kRatio, kOneMinusRatio): a two-proportion z-test, |z| ≥
  // 1.96 (95 %), only when both samples have at least `min_sample` and
  // the pooled proportion is strictly between 0 and 1. Other forms: false.
  bool significant = false;
  std::optional<double> z;
};

Change Compare(const KpiDefinition& kpi, const KpiValue& value, const KpiValue& baseline,
               int64_t min_sample = 30);

}  // namespace sqms::metrics::domain
