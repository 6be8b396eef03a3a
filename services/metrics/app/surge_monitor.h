#pragma once
// Surge detection (突增预警): every evaluation counts each surge rule's KPI
// in the current, still open window per unit of its dimension, compares it
// with the same window of the week in the previous weeks (domain/surge.h)
// and publishes a surge event once per (rule, unit, window). A surge stays
// in force until its window has closed and an evaluation finds the open
// window of that unit not surging: then one "surge ended" event (the
// alerts service resolves the surge's alert on it). A unit that surges
// window after window stays in force, with one surge event per window.
//
// Once: like the target monitor's breaches, the rule's per-unit status (the
// label of the window that last surged) and the event change in one
// compare-and-set (ports::TargetStore, under SurgeMonitor::RuleId), so
// replicas evaluating concurrently, and a restarted one, publish each surge
// once. A late event that lifts a closed window over the threshold raises
// nothing: only the open window is evaluated. Thread-compatible: one
// caller at a time.

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "services/metrics/app/kpi_queries.h"
#include "services/metrics/domain/surge.h"
#include "services/metrics/ports/kpi_reader.h"
#include "services/metrics/ports/target_store.h"
#include "sqms/runtime/clock.h"

namespace sqms::metrics::app {

class SurgeMonitor {
 public:
  // Borrows everything; `rules` must name count KPIs and known dimensions
  // (config validates them). Only `config.zone` is used.
  SurgeMonitor(ports::KpiReader& reader, ports::TargetStore& store, const runtime::Clock& clock,
               std::vector<domain::SurgeRule> rules, QueryConfig config);

  // One pass over every rule; the number of events queued. Stops at the
  // first reader or store error (the next pass starts over).
  absl::StatusOr<int> EvaluateOnce();

  // "surge/<kpi>/<dimension>/<window>/<weeks>w/x<factor>/min<min_count>":
  // the rule's key in the store (disjoint from TargetMonitor::TargetId); a
  // rule changed in the config starts afresh.
  static std::string RuleId(const domain::SurgeRule& rule);

 private:
  absl::StatusOr<int> Evaluate(const domain::SurgeRule& rule);

  ports::KpiReader& reader_;
  ports::TargetStore& store_;
  const runtime::Clock& clock_;
  const std::vector<domain::SurgeRule> rules_;
  const QueryConfig config_;
};

}  // namespace sqms::metrics::app
