#pragma once
// Real-time monitoring (实时监控): every evaluation compares each target's
// KPI in the current window with its threshold, per unit of its dimension,
// and publishes a breach once when the KPI leaves the target and a
// recovery once when it is back (domain/target.h: minimum sample and
// hysteresis); when a window closes, a miss is counted, and the target's
// `consecutive_misses`-th miss in a row is published once too.
//
// Once: the state and its events change in one compare-and-set
// (ports::TargetStore), so replicas evaluating concurrently publish each
// event once. A replica whose clock lags another's judges nothing the
// other already decided in the next window or closed: it leaves that unit
// alone until its own clock gets there. Thread-compatible: one caller at
// a time.

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "services/metrics/app/kpi_queries.h"
#include "services/metrics/ports/kpi_reader.h"
#include "services/metrics/ports/target_store.h"
#include "sqms/runtime/clock.h"

namespace sqms::metrics::app {

class TargetMonitor {
 public:
  // Borrows everything; `targets` must name known KPIs and dimensions
  // (config validates them).
  TargetMonitor(ports::KpiReader& reader, ports::TargetStore& store, const runtime::Clock& clock,
                std::vector<domain::Target> targets, QueryConfig config);

  // One pass over every target; the number of events queued. Stops at the
  // first store error (the next pass starts over).
  absl::StatusOr<int> EvaluateOnce();

  // The last `limit` (1..1000) published events, newest first, as their
  // sqms.kpi.v1 payloads; INVALID_ARGUMENT "limit" otherwise. Thread-safe
  // (unlike EvaluateOnce, it may run beside it).
  absl::StatusOr<std::vector<std::string>> RecentEvents(int limit);

  // "<kpi>/<dimension>/<unit or *>/<window>": the target's key in the store.
  static std::string TargetId(const domain::Target& target);

 private:
  absl::StatusOr<int> Evaluate(const domain::Target& target);

  ports::KpiReader& reader_;
  ports::TargetStore& store_;
  const runtime::Clock& clock_;
  const std::vector<domain::Target> targets_;
  const QueryConfig config_;
};

}  // namespace sqms::metrics::app
