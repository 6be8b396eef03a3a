#include "services/metrics/app/surge_monitor.h"

#include <set>
#include <utility>

#include "absl/strings/str_cat.h"

namespace sqms::metrics::app {

using ports::TargetEvent;
using ports::TargetEventType;
using ports::TargetStatus;

SurgeMonitor::SurgeMonitor(ports::KpiReader& reader, ports::TargetStore& store,
                           const runtime::Clock& clock, std::vector<domain::SurgeRule> rules,
                           QueryConfig config)
    : reader_(reader), store_(store), clock_(clock), rules_(std::move(rules)),
      config_(std::move(config)) {}

std::string SurgeMonitor::RuleId(const domain::SurgeRule& r) {
  return absl::StrCat("surge/", r.kpi, "/", r.dimension, "/",
                      std::string(domain::WindowSizeName(r.window)), "/", r.weeks, "w/x", r.factor,
                      "/min", r.min_count);
}

absl::StatusOr<int> SurgeMonitor::EvaluateOnce() {
  int events = 0;
  for (const domain::SurgeRule& rule : rules_) {
    auto n = Evaluate(rule);
    if (!n.ok()) return n.status();
    events += *n;
  }
  return events;
}

namespace {

int64_t CountOf(const domain::KpiDefinition& kpi, const ports::WindowAggregate& aggregate,
                const std::string& unit) {
  auto it = aggregate.units.find(unit);
  if (it == aggregate.units.end()) return 0;
  return domain::Compute(kpi, it->second.counters).numerator;
}

}  // namespace

absl::StatusOr<int> SurgeMonitor::Evaluate(const domain::SurgeRule& rule) {
  const domain::KpiDefinition* kpi = domain::FindKpi(rule.kpi);
  const std::optional<domain::Dimension> dimension = domain::ParseDimension(rule.dimension);
  if (kpi == nullptr || kpi->form != domain::Form::kCount || !dimension) {
    return absl::FailedPreconditionError(absl::StrCat("surge rule ", RuleId(rule), " is invalid"));
  }
  // The status first, then the clock and the figures, as TargetMonitor
  // does: a replica that stalled after reading the clock would judge the
  // hour before against a surge another replica had just published in
  // this one, and publish it again.
  const std::string id = RuleId(rule);
  auto statuses = store_.Load(id);
  if (!statuses.ok()) return statuses.status();
  const absl::Time now = clock_.Now();
  std::vector<domain::Window> windows = {domain::WindowOf(now, rule.window, config_.zone)};
  for (const domain::Window& w : domain::BaselineWindows(windows[0], rule.weeks, config_.zone)) {
    windows.push_back(w);
  }
  auto aggregates = reader_.Read(windows, *dimension, false);
  if (!aggregates.ok()) return aggregates.status();
  const std::string label = domain::WindowLabel(windows[0], config_.zone);

  // The units counted in the open window, and those whose surge is still
  // in force (it may have no event in the open window at all).
  std::set<std::string> units;
  for (const auto& entry : (*aggregates)[0].units) units.insert(entry.first);
  for (const auto& [unit, status] : *statuses) {
    if (status.state == domain::TargetState::kBreached) units.insert(unit);
  }
  int published = 0;
  for (const std::string& unit : units) {
    const TargetStatus status = (*statuses)[unit];
    if (status.last_closed == label) continue;  // this window already surged
    // A replica whose clock is ahead (host clocks differ) saw the next
    // window surge: judged from this one, that surge would "end".
    if (domain::NamesNextWindow(status.last_closed, windows[0], config_.zone)) continue;
    std::vector<int64_t> history;
    for (size_t i = 1; i < aggregates->size(); ++i) {
      if (!(*aggregates)[i].units.empty()) history.push_back(CountOf(*kpi, (*aggregates)[i], unit));
    }
    const int64_t count = CountOf(*kpi, (*aggregates)[0], unit);
    const domain::SurgeDecision decision = domain::EvaluateSurge(rule, count, history);
    const bool in_force = status.state == domain::TargetState::kBreached;
    if (!decision.surge && !in_force) continue;
    // A surge in this window; or the one in force belongs to a closed
    // window and this one has not surged (so far): it ended.
    TargetStatus next = status;
    next.state = decision.surge ? domain::TargetState::kBreached : domain::TargetState::kMet;
    if (decision.surge) next.last_closed = label;
    domain::Target target;
    target.kpi = rule.kpi;
    target.dimension = rule.dimension;
    target.window = rule.window;
    target.threshold = decision.threshold;
    target.min_sample = rule.min_count;
    auto counted = (*aggregates)[0].units.find(unit);
    const TargetEvent event{
        .type = decision.surge ? TargetEventType::kSurge : TargetEventType::kSurgeEnded,
        .target = target, .kpi = kpi, .unit = unit,
        .period = decision.surge ? label : status.last_closed,
        .value = counted == (*aggregates)[0].units.end()
                     ? domain::Compute(*kpi, domain::CounterValues{})
                     : domain::Compute(*kpi, counted->second.counters),
        .misses = 0,
        .surge = {.baseline = decision.baseline, .baseline_weeks = decision.baseline_weeks,
                  .factor = rule.factor},
        .at = now};
    auto applied = store_.Transition(id, unit, status, next, {event});
    if (!applied.ok()) return applied.status();
    if (*applied) ++published;
  }
  return published;
}

}  // namespace sqms::metrics::app
