#include "durable_timers_metrics.h"

#include "sqms/runtime/metrics.h"

namespace sqms::runtime {
namespace {

// Lateness: a healthy loop fires within the poll period; retries and
// outages show up in the long tail.
const prometheus::Histogram::BucketBoundaries& LatenessBuckets() {
  static const auto* buckets = new prometheus::Histogram::BucketBoundaries{
      0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300};
  return *buckets;
}

}  // namespace

DurableTimersMetrics::DurableTimersMetrics(prometheus::Registry* registry, const std::string& name)
    : fired_(prometheus::BuildCounter()
                 .Name("sqms_timers_fired_total")
                 .Help("Durable timers whose handler succeeded")
                 .Register(RegistryOr(registry, own_registry_))
                 .Add({{"timers", name}})),
      failures_(prometheus::BuildCounter()
                    .Name("sqms_timer_handler_failures_total")
                    .Help("Durable timer handler calls that failed or threw (retried with backoff)")
                    .Register(RegistryOr(registry, own_registry_))
                    .Add({{"timers", name}})),
      store_errors_(prometheus::BuildCounter()
                        .Name("sqms_timer_store_errors_total")
                        .Help("Durable timer claim/complete/retry calls to Redis that failed")
                        .Register(RegistryOr(registry, own_registry_))
                        .Add({{"timers", name}})),
      lateness_(prometheus::BuildHistogram()
                    .Name("sqms_timer_lateness_seconds")
                    .Help("Handler call time minus the timer's due moment")
                    .Register(RegistryOr(registry, own_registry_))
                    .Add({{"timers", name}}, LatenessBuckets())) {}

void DurableTimersMetrics::Fired(double lateness_seconds) {
  fired_.Increment();
  lateness_.Observe(lateness_seconds);
}

void DurableTimersMetrics::HandlerFailed(double lateness_seconds) {
  failures_.Increment();
  lateness_.Observe(lateness_seconds);
}

void DurableTimersMetrics::StoreError() { store_errors_.Increment(); }

}  // namespace sqms::runtime
