#pragma once
// The KpiProcessor's Prometheus series, every one created at 0 at start-up
// (a counter that appears at its first increment is invisible to increase()):
//
//   sqms_metrics_events_total{topic,outcome}      input records: counted, late
//                                                 (counted after their window
//                                                 closed), ignored, unparsed
//   sqms_kpi_counter_total{counter,department}    KPI numerators and denominators
//                                                 as checkpointed, official figures
//                                                 only; department: the configured
//                                                 ids, "unknown", "other". The
//                                                 histogram buckets are left out
//                                                 (the store answers the p90s).
//   sqms_metrics_dimension_values_folded_total{dimension}
//                                                 events whose value of a dimension
//                                                 was folded into "other" by the
//                                                 cardinality limit, as checkpointed
//
// Thread-safe (prometheus-cpp counters); the registry must outlive this.

#include <array>
#include <map>
#include <string>
#include <vector>

#include "services/metrics/domain/counters.h"
#include "services/metrics/domain/dimension.h"

namespace prometheus {
class Counter;
template <typename T> class Family;
class Registry;
}  // namespace prometheus

namespace sqms::metrics::adapters {

class KpiProcessorStats {
 public:
  // Creates every series of `topics` × outcomes, `departments` (plus
  // "unknown" and "other") × counters, and the foldable dimensions.
  KpiProcessorStats(prometheus::Registry& registry, const std::vector<std::string>& topics,
                    std::vector<std::string> departments);

  // `outcome`: "counted", "late", "ignored" or "unparsed".
  void Event(const std::string& topic, const char* outcome);
  static constexpr size_t kOutcomeCount = 4;

  // The bounded label value of a department id: itself when configured,
  // "unknown" when empty, else "other".
  const std::string& Department(const std::string& id) const;

  // Adds checkpointed counter sums under a label Department() returned.
  void AddCounters(const std::string& department, const domain::CounterValues& sums);

  // Adds checkpointed folds, by Dimension (non-foldable entries ignored).
  void AddFolded(const std::array<int64_t, domain::kDimensionCount>& folded);

 private:
  prometheus::Family<prometheus::Counter>& events_;
  prometheus::Family<prometheus::Counter>& counters_;
  prometheus::Family<prometheus::Counter>& folded_;
  // Per topic, its series by outcome (Event's order: counted, late,
  // ignored, unparsed).
  std::map<std::string, std::array<prometheus::Counter*, kOutcomeCount>, std::less<>> by_topic_;
  std::vector<std::string> departments_;  // the configured ids, then "unknown", "other"
  // Null for the bucket counters (not exported).
  std::map<std::string, std::array<prometheus::Counter*, domain::kCounterCount>> by_department_;
  std::array<prometheus::Counter*, domain::kDimensionCount> by_dimension_{};
};

}  // namespace sqms::metrics::adapters
