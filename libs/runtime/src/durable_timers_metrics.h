#pragma once
// DurableTimers' Prometheus series (names in durable_timers.h). Private to
// sqms_runtime. prometheus-cpp's metrics are thread-safe.

#include <chrono>
#include <memory>
#include <string>

#include "prometheus/counter.h"
#include "prometheus/histogram.h"
#include "prometheus/registry.h"

namespace sqms::runtime {

class DurableTimersMetrics {
 public:
  // Uses `registry`, or a private one when null; every series starts at 0.
  DurableTimersMetrics(prometheus::Registry* registry, const std::string& name);

  void Fired(double lateness_seconds);
  void HandlerFailed(double lateness_seconds);
  void StoreError();

 private:
  std::shared_ptr<prometheus::Registry> own_registry_;  // when none was given
  prometheus::Counter& fired_;
  prometheus::Counter& failures_;
  prometheus::Counter& store_errors_;
  prometheus::Histogram& lateness_;
};

}  // namespace sqms::runtime
