#include "services/metrics/domain/surge.h"

#include <algorithm>

namespace sqms::metrics::domain {

std::vector<Window> BaselineWindows(const Window& current, int weeks, const absl::TimeZone& zone) {
  const absl::CivilSecond start = absl::ToCivilSecond(current.start, zone);
  std::vector<Window> out;
  for (int week = 1; week <= weeks; ++week) {
    // Civil time minus 7 days keeps the weekday and the wall-clock time;
    // FromCivil maps a time the clock skipped to the instant after the gap.
    const absl::Time then = absl::FromCivil(start - 7 * 86400 * week, zone);
    out.push_back(WindowOf(then, current.size, zone));
  }
  return out;
}

SurgeDecision EvaluateSurge(const SurgeRule& rule, int64_t count,
                            std::span<const int64_t> history) {
  SurgeDecision d;
  const double min_count = static_cast<double>(rule.min_count);
  if (history.empty()) {
    d.threshold = rule.factor * min_count;
  } else {
    double sum = 0;
    for (int64_t c : history) sum += static_cast<double>(c);
    d.baseline = sum / static_cast<double>(history.size());
    d.baseline_weeks = static_cast<int>(history.size());
    d.threshold = std::max(min_count, rule.factor * *d.baseline);
  }
  // Room for rounding: 3 × (10 / 3) must still ask for 10, not 10.000…02.
  d.surge = static_cast<double>(count) >= d.threshold - 1e-9 * std::max(1.0, d.threshold);
  return d;
}

}  // namespace sqms::metrics::domain
