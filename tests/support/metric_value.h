#pragma once
// Reading a metric back from a registry in a test.

#include <map>
#include <string>

#include "prometheus/metric_type.h"
#include "prometheus/registry.h"

namespace sqms::testing {

// The sum over the series of `name` whose labels include `labels` (all of
// them when empty): a counter's or gauge's value, a histogram's sample
// count. -1 when no family `name` is registered; 0 when no series matches.
inline double MetricValue(prometheus::Registry& registry, const std::string& name,
                          const std::map<std::string, std::string>& labels = {}) {
  for (const auto& family : registry.Collect()) {
    if (family.name != name) continue;
    double sum = 0;
    for (const auto& metric : family.metric) {
      size_t matched = 0;
      for (const auto& label : metric.label) {
        auto it = labels.find(label.name);
        if (it != labels.end() && it->second == label.value) ++matched;
      }
      if (matched != labels.size()) continue;
      switch (family.type) {
        case prometheus::MetricType::Counter: sum += metric.counter.value; break;
        case prometheus::MetricType::Gauge: sum += metric.gauge.value; break;
        case prometheus::MetricType::Histogram:
          sum += static_cast<double>(metric.histogram.sample_count);
          break;
        default: break;
      }
    }
    return sum;
  }
  return -1;
}

}  // namespace sqms::testing
