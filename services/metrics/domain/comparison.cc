#include "services/metrics/domain/comparison.h"

#include <cmath>

namespace sqms::metrics::domain {

Change Compare(const KpiDefinition& kpi, const KpiValue& value, const KpiValue& baseline,
               int64_t min_sample) {
  Change out;
  if (!value.value || !baseline.value) return out;
  out.delta = *value.value - *baseline.value;
  if (kpi.form != Form::kRatio && kpi.form != Form::kOneMinusRatio) return out;
  const double n1 = static_cast<double>(value.denominator);
  const double n2 = static_cast<double>(baseline.denominator);
  if (value.denominator < min_sample || baseline.denominator < min_sample) return out;
  // The test is on the numerators' share; 1 − share has the same |z|.
  const double x1 = static_cast<double>(value.numerator);
  const double x2 = static_cast<double>(baseline.numerator);
  const double pooled = (x1 + x2) / (n1 + n2);
  if (pooled <= 0 || pooled >= 1) return out;
  const double se = std::sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2));
  out.z = (x1 / n1 - x2 / n2) / se;
  out.significant = std::fabs(*out.z) >= 1.96;
  return out;
}

}  // namespace sqms::metrics::domain
