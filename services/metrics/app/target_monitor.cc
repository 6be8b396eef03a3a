#include "services/metrics/app/target_monitor.h"

#include <set>
#include <utility>

#include "absl/strings/str_cat.h"
#include "sqms/runtime/field_violation.h"

namespace sqms::metrics::app {

using ports::TargetEvent;
using ports::TargetEventType;
using ports::TargetStatus;

TargetMonitor::TargetMonitor(ports::KpiReader& reader, ports::TargetStore& store,
                             const runtime::Clock& clock, std::vector<domain::Target> targets,
                             QueryConfig config)
    : reader_(reader), store_(store), clock_(clock), targets_(std::move(targets)),
      config_(std::move(config)) {}

std::string TargetMonitor::TargetId(const domain::Target& t) {
  return absl::StrCat(t.kpi, "/", t.dimension, "/", t.unit.empty() ? "*" : t.unit, "/",
                      std::string(domain::WindowSizeName(t.window)));
}

absl::StatusOr<int> TargetMonitor::EvaluateOnce() {
  int events = 0;
  for (const domain::Target& target : targets_) {
    auto n = Evaluate(target);
    if (!n.ok()) return n.status();
    events += *n;
  }
  return events;
}

absl::StatusOr<std::vector<std::string>> TargetMonitor::RecentEvents(int limit) {
  if (limit < 1 || limit > 1000) {
    return runtime::InvalidArgument({{"limit", "must be in 1..1000 (0 means 50)"}});
  }
  return store_.RecentEvents(limit);
}

absl::StatusOr<int> TargetMonitor::Evaluate(const domain::Target& target) {
  const domain::KpiDefinition* kpi = domain::FindKpi(target.kpi);
  const std::optional<domain::Dimension> dimension = domain::ParseDimension(target.dimension);
  if (kpi == nullptr || !dimension) {
    return absl::FailedPreconditionError(absl::StrCat("target ", TargetId(target), " is invalid"));
  }
  // The status first, then the clock and the figures: they are then at
  // least as new as those any replica decided the loaded status on. Taken
  // the other way round, a replica that stalled in between would judge a
  // window or figures older than a decision another replica had just
  // published — and its compare-and-set, which guards the status only,
  // would let it publish a second breach, or a recovery of the day before.
  const std::string id = TargetId(target);
  auto statuses = store_.Load(id);
  if (!statuses.ok()) return statuses.status();
  const absl::Time now = clock_.Now();
  const domain::Window current = domain::WindowOf(now, target.window, config_.zone);
  const domain::Window previous = domain::PreviousWindow(current, config_.zone);
  auto aggregates = reader_.Read({current, previous}, *dimension, false);
  if (!aggregates.ok()) return aggregates.status();

  std::set<std::string> units;
  if (*dimension == domain::Dimension::kTotal) {
    units = {"all"};
  } else if (!target.unit.empty()) {
    units = {target.unit};
  } else {
    for (const auto& aggregate : *aggregates) {
      for (const auto& [unit, _] : aggregate.units) units.insert(unit);
    }
    for (const auto& [unit, _] : *statuses) units.insert(unit);
  }
  const bool previous_closed = previous.end + config_.grace <= now;
  const std::string previous_label = domain::WindowLabel(previous, config_.zone);
  const std::string current_label = domain::WindowLabel(current, config_.zone);

  int published = 0;
  for (const std::string& unit : units) {
    const TargetStatus status = (*statuses)[unit];
    // Written by a replica whose clock is past `current` (host clocks
    // differ): decided in the next window, or `current` closed already.
    // Judged against that, this replica's older window would get a breach,
    // a recovery or a miss the newer decision settled. The replica ahead
    // judges; this one waits until its clock gets there. (A status further
    // ahead comes from a clock that is wrong, not skewed: judged as usual,
    // rather than waited for until that date.)
    if (domain::NamesNextWindow(status.decided_in, current, config_.zone) ||
        domain::NamesNextWindow(status.last_closed, previous, config_.zone)) {
      continue;
    }
    TargetStatus next = status;
    std::vector<TargetEvent> events;
    auto event = [&](TargetEventType type, const std::string& period, const domain::KpiValue& v) {
      events.push_back({.type = type, .target = target, .kpi = kpi, .unit = unit,
                        .period = period, .value = v, .misses = next.misses, .surge = {},
                        .at = now});
    };
    if (previous_closed && status.last_closed != previous_label) {
      const domain::KpiValue closed =
          UnitValue(config_, *kpi, previous, now, *dimension, unit, (*aggregates)[1]);
      if (closed.value && closed.denominator >= target.min_sample) {
        next.misses = domain::Meets(target, *kpi, *closed.value) ? 0 : next.misses + 1;
        if (next.misses == target.consecutive_misses) {
          event(TargetEventType::kMissedRepeatedly, previous_label, closed);
        }
      }
      next.last_closed = previous_label;
    }
    const domain::KpiValue value =
        UnitValue(config_, *kpi, current, now, *dimension, unit, (*aggregates)[0]);
    // Hysteresis within a window; a new window is judged on its own (target.h).
    const bool same_window = status.decided_in == current_label;
    domain::TargetDecision decision =
        same_window ? domain::Evaluate(target, *kpi, status.state, value)
                    : domain::EvaluateNewWindow(target, *kpi, status.state, value);
    // A status stored before it recorded its window: its breach may be this
    // window's, published already — not a second time.
    if (status.decided_in.empty() && status.state == domain::TargetState::kBreached &&
        decision.transition == domain::TargetTransition::kBreached) {
      decision.transition = domain::TargetTransition::kNone;
    }
    next.state = decision.state;
    if (decision.decided) next.decided_in = current_label;
    if (decision.transition == domain::TargetTransition::kBreached) {
      event(TargetEventType::kBreached, current_label, value);
    } else if (decision.transition == domain::TargetTransition::kRecovered) {
      event(TargetEventType::kRecovered, current_label, value);
    }
    if (next == status) continue;
    auto applied = store_.Transition(id, unit, status, next, events);
    if (!applied.ok()) return applied.status();
    if (*applied) published += static_cast<int>(events.size());
  }
  return published;
}

}  // namespace sqms::metrics::app
