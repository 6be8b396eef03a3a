#include "services/metrics/domain/target.h"

#include <algorithm>
#include <cmath>

namespace sqms::metrics::domain {
namespace {

// Room for rounding in "better by at least the hysteresis": 90.3 − 90 is
// 0.2999…97 in doubles, which must still count as 0.3 better.
double Slack(double threshold) { return 1e-9 * std::max(1.0, std::abs(threshold)); }

// How far `value` is on the good side of the threshold (negative: worse).
double Margin(const Target& target, const KpiDefinition& kpi, double value) {
  return kpi.direction == Direction::kHigherIsBetter ? value - target.threshold
                                                     : target.threshold - value;
}

}  // namespace

bool Meets(const Target& target, const KpiDefinition& kpi, double value) {
  return Margin(target, kpi, value) >= 0;
}

TargetDecision Evaluate(const Target& target, const KpiDefinition& kpi, TargetState previous,
                        const KpiValue& value) {
  if (!value.value.has_value() || value.denominator < target.min_sample) {
    return {previous, TargetTransition::kNone, false};
  }
  if (previous == TargetState::kBreached) {
    const double needed = target.hysteresis > 0 ? target.hysteresis - Slack(target.threshold) : 0;
    const bool recovered = Margin(target, kpi, *value.value) >= needed;
    return recovered ? TargetDecision{TargetState::kMet, TargetTransition::kRecovered, true}
                     : TargetDecision{TargetState::kBreached, TargetTransition::kNone, true};
  }
  // From kUnknown or kMet: a first decision of "met" is no news; any move to
  // breached is.
  if (Meets(target, kpi, *value.value)) return {TargetState::kMet, TargetTransition::kNone, true};
  return {TargetState::kBreached, TargetTransition::kBreached, true};
}

TargetDecision EvaluateNewWindow(const Target& target, const KpiDefinition& kpi,
                                 TargetState carried, const KpiValue& value) {
  const TargetDecision fresh = Evaluate(target, kpi, TargetState::kUnknown, value);
  if (!fresh.decided) return {carried, TargetTransition::kNone, false};
  if (fresh.state == TargetState::kMet && carried == TargetState::kBreached) {
    return {TargetState::kMet, TargetTransition::kRecovered, true};
  }
  return fresh;  // met: no news; breached: raised for this window
}

}  // namespace sqms::metrics::domain
