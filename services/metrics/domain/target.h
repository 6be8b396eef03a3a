#pragma once
// Targets and breaches: whether a KPI value meets its target, with a
// minimum sample size and hysteresis so that small numbers do not flap.
//
// State machine per (target, unit), one window at a time:
//   kUnknown  → no decision yet (sample below min_sample)
//   kMet      → breached when the value is worse than the threshold
//   kBreached → met again only when the value is better than the
//               threshold by at least `hysteresis` (in the KPI's unit;
//               equal within 1e-9 relative rounding counts)
// A sample below min_sample never changes the state.
//
// A new window (the next day of a daily target) is judged on its own
// (EvaluateNewWindow): the hysteresis keeps one window's figure from
// flapping around the threshold, not one window's verdict from outliving
// it. Until the new window has min_sample, the state decided in the last
// one stands (a breach stays open overnight rather than closing for lack
// of data).

#include <cstdint>
#include <optional>
#include <string>

#include "services/metrics/domain/kpi.h"
#include "services/metrics/domain/window.h"

namespace sqms::metrics::domain {

struct Target {
  std::string kpi;          // a KpiDefinition name
  std::string dimension;    // "total", "department", ...
  std::string unit;         // a value of the dimension, or "" for every unit
  WindowSize window = WindowSize::kDay;
  double threshold = 0;     // in the KPI's unit; the direction says which side is good
  int64_t min_sample = 30;
  double hysteresis = 0;
  int consecutive_misses = 3;  // windows in a row for a "target missed N times" event
};

enum class TargetState { kUnknown, kMet, kBreached };

enum class TargetTransition { kNone, kBreached, kRecovered };

struct TargetDecision {
  TargetState state = TargetState::kUnknown;
  TargetTransition transition = TargetTransition::kNone;
  bool decided = false;  // the value had min_sample: `state` is its verdict
};

// The next state after observing `value` in the KPI of `kpi`.
TargetDecision Evaluate(const Target& target, const KpiDefinition& kpi, TargetState previous,
                        const KpiValue& value);

// The next state when `value` is the first decision in a new window and
// `carried` the state decided in an earlier one: a sample below min_sample
// keeps `carried`; otherwise the value decides as from kUnknown, without
// hysteresis. A breach carried over recovers when the new window meets the
// target, and is raised again, for the new window, when it does not.
TargetDecision EvaluateNewWindow(const Target& target, const KpiDefinition& kpi,
                                 TargetState carried, const KpiValue& value);

// Whether `value` is on the good side of the threshold (no hysteresis).
bool Meets(const Target& target, const KpiDefinition& kpi, double value);

}  // namespace sqms::metrics::domain
