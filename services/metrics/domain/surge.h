#pragma once
// Surges (突增): a count KPI of the current, still open window far above
// what the same window of the week usually holds. The baseline of an hour
// is the mean count of that hour — same weekday, same local hour in the
// service's zone — over the previous `weeks` weeks; of a day, the same
// weekday's.
//
// The rule, per unit of the dimension:
//   weeks with data (see SurgeHistory) → baseline = their mean count;
//       surge when count ≥ max(min_count, factor × baseline)
//   no week with data (a new service, a purged store) → no baseline;
//       surge when count ≥ factor × min_count — without history the service
//       asks for `factor` times the usual evidence rather than stay silent.
// A week "has data" when the store counted anything in that window for any
// unit of the dimension; a unit absent from such a week counted 0 there, so
// a unit that never had a complaint surges at min_count.

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "services/metrics/domain/window.h"

namespace sqms::metrics::domain {

struct SurgeRule {
  std::string kpi;                       // a KPI of Form::kCount, e.g. "complaint_volume"
  std::string dimension = "total";       // "total", "department", ...
  WindowSize window = WindowSize::kHour; // kHour or kDay (config checks)
  int weeks = 4;                         // how many previous weeks make the baseline, ≥ 1
  double factor = 2.0;                   // > 1
  int64_t min_count = 10;                // ≥ 1
};

// The window of the week of `current` in each of the `weeks` previous weeks,
// newest first: the same local weekday and time, 7, 14, … civil days back
// in `zone` (so a clock change between them does not shift the hour). Where
// the zone's clock skipped that week's local time, the window that follows
// the gap stands in.
std::vector<Window> BaselineWindows(const Window& current, int weeks, const absl::TimeZone& zone);

struct SurgeDecision {
  bool surge = false;
  std::optional<double> baseline;  // none when no week had data
  int baseline_weeks = 0;          // weeks with data the baseline is the mean of
  double threshold = 0;            // the count that surges
};

// Decides on `count` (the current window's) given the counts of the
// previous weeks that had data (`history`, any order; weeks without data
// left out). Pure.
SurgeDecision EvaluateSurge(const SurgeRule& rule, int64_t count, std::span<const int64_t> history);

}  // namespace sqms::metrics::domain
